package io.eventbus.transport.redis.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import io.eventbus.transport.redis.streams.RedisStreamsClient;
import io.eventbus.transport.redis.streams.RedisStreamsConfiguration;

/**
 * A Camel {@link IdempotentRepository} in Redis, for the dedupe stage ({@code idempotentConsumer}): every instance
 * of an application, and every restart, sees the same keys, so a duplicate is caught wherever it arrives. Each key
 * is a Redis string {@code <keyPrefix>:<name>:<id>} written with {@code SET NX PX ttl}, so the check-and-add is one
 * atomic command and forgotten ids expire by themselves after {@code ttl} milliseconds (0: never).
 * <p>
 * Why not {@code camel-spring-redis}'s repository: it needs Spring Data Redis and a Spring {@code RedisTemplate} (and
 * their Spring Framework jars), which nothing else in the bus needs; it keeps every id in one
 * Redis set, which cannot expire members one by one, so a TTL would need a second structure and a sweeper. Two
 * commands on the Lettuce client the Redis transport already uses ({@code SET NX PX}, {@code DEL}) do the whole job.
 */
@ManagedResource(description = "Redis idempotent repository")
public class RedisIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    private static final long TIMEOUT = 10_000;

    private String uri = "redis://127.0.0.1:6379";
    private String password;
    private int database;
    private boolean tls;
    private String keyPrefix = "eventbus:idempotent";
    private String name = "default";
    private long ttl = Duration.ofDays(1).toMillis();
    private RedisStreamsClient client;
    private boolean ownsClient;

    /** A repository connecting to {@code uri} when started (the bean form: set the properties, then start). */
    public RedisIdempotentRepository() {
    }

    /**
     * A repository named {@code name} whose ids expire after {@code ttlMillis} (0: never), on an existing client,
     * which the caller closes.
     */
    public RedisIdempotentRepository(RedisStreamsClient client, String name, long ttlMillis) {
        this.client = client;
        this.name = name;
        this.ttl = ttlMillis;
    }

    @Override
    protected void doStart() throws Exception {
        if (ttl < 0) {
            throw new IllegalArgumentException("ttl: must be >= 0 milliseconds (0: never expire) but was " + ttl);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: must not be empty");
        }
        if (client == null) {
            RedisStreamsConfiguration configuration = new RedisStreamsConfiguration();
            configuration.setUri(uri);
            configuration.setPassword(password);
            configuration.setDatabase(database);
            configuration.setTls(tls);
            client = RedisStreamsClient.connect(configuration);
            ownsClient = true;
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (ownsClient && client != null) {
            client.close();
            client = null;
        }
    }

    /** Adds the id; false when it was already there (a duplicate). Atomic across instances. */
    @Override
    public boolean add(String id) {
        SetArgs args = SetArgs.Builder.nx();
        if (ttl > 0) {
            args.px(ttl);
        }
        return "OK".equals(call(commands().set(key(id), ID_MARK, args)));
    }

    @Override
    public boolean contains(String id) {
        return call(commands().exists(key(id))) > 0;
    }

    @Override
    public boolean remove(String id) {
        return call(commands().del(key(id))) > 0;
    }

    /** Nothing to do: {@link #add} already stored the id. */
    @Override
    public boolean confirm(String id) {
        return true;
    }

    /** Removes every id of this repository's name (SCAN by prefix, then DEL), not those of other names. */
    @Override
    public void clear() {
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs match = ScanArgs.Builder.matches(escape(keyPrefix + ":" + name + ":") + "*").limit(500);
        do {
            KeyScanCursor<String> page = call(commands().scan(cursor, match));
            List<String> keys = new ArrayList<>(page.getKeys());
            if (!keys.isEmpty()) {
                call(commands().del(keys.toArray(String[]::new)));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private static final byte[] ID_MARK = { '1' };

    private String key(String id) {
        return keyPrefix + ":" + name + ":" + id;
    }

    private RedisClusterAsyncCommands<String, byte[]> commands() {
        if (client == null) {
            throw new IllegalStateException("RedisIdempotentRepository " + name + " is not started");
        }
        return client.commands();
    }

    private static <T> T call(java.util.concurrent.Future<T> reply) {
        try {
            return RedisStreamsClient.await(reply, TIMEOUT);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Redis idempotent repository: " + e.getMessage(), e);
        }
    }

    private static String escape(String glob) {
        return glob.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    public String getUri() {
        return uri;
    }

    /** The Redis server (default redis://127.0.0.1:6379). */
    public void setUri(String uri) {
        this.uri = uri;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public int getDatabase() {
        return database;
    }

    public void setDatabase(int database) {
        this.database = database;
    }

    public boolean isTls() {
        return tls;
    }

    public void setTls(boolean tls) {
        this.tls = tls;
    }

    public String getKeyPrefix() {
        return keyPrefix;
    }

    /** The first part of every key (default eventbus:idempotent). */
    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    public String getName() {
        return name;
    }

    /** The repository's name, the second part of its keys (default "default"): one per dedupe stage. */
    public void setName(String name) {
        this.name = name;
    }

    public long getTtl() {
        return ttl;
    }

    /** Milliseconds an id is remembered (default 86400000, one day); 0 remembers it forever. */
    public void setTtl(long ttl) {
        this.ttl = ttl;
    }
}
