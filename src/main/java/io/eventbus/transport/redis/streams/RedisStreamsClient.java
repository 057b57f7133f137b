package io.eventbus.transport.redis.streams;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.net.ssl.SSLHandshakeException;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.RetryableException;

/**
 * The Redis connections of one {@code redis-streams} component or {@code redis} transport: one Lettuce
 * {@link ClientResources} (event loops, timers), one {@link RedisClient}, and one shared connection on which every
 * non-blocking command (XADD, XACK, XCLAIM, XINFO, PING...) is sent asynchronously, so that Lettuce pipelines the
 * commands of all producers and consumers on it. Each consumer's blocking {@code XREADGROUP} gets a dedicated
 * connection, because a blocked command would stall everything queued behind it.
 * <p>
 * Keys are UTF-8 strings and values raw bytes: the envelope is written and read as the bytes the codec produced,
 * never re-encoded. Lettuce reconnects by itself after a connection loss and re-sends the commands it held.
 * <p>
 * Redis need not be up when the client is created: when it cannot be reached (refused, unknown host, timed out) the
 * client says so once at WARN and connects in the background, every 200 ms at first and every 5 s at most, and says
 * at INFO when it got through. Until then {@link #commands()} and {@link #requireAvailable()} throw a
 * {@link RetryableException} naming {@code host:port}, and actions given to {@link #whenConnected} (a consumer
 * creating its group) wait for it. A Redis that answers with an error (a wrong password, a database it does not have)
 * is configuration, and fails the creation.
 * <p>
 * With a {@code redis-sentinel://} URI every connection, shared and dedicated alike, is made to the master the
 * sentinels name, and so is every reconnection: Lettuce asks the sentinels again each time. A failover closes the
 * connections (the dead master's sockets, or the clients a demoted master drops), and they come back on the new
 * master. Replicas are never read from.
 * <p>
 * With a {@code redis-cluster://host1:port1,host2:port2} URI (or Lettuce's own multi-host
 * {@code redis://host1:port1,host2:port2}) the client is a {@link RedisClusterClient}: the hosts are seeds, the
 * topology is read from them, and every connection is a cluster connection that sends each command to the master
 * owning its key's slot (following {@code MOVED} and {@code ASK}). A dedicated connection for blocking reads is a
 * cluster connection of its own, so a blocked {@code XREADGROUP} holds up only its own socket to the stream's master.
 * The topology is read again every {@value #TOPOLOGY_REFRESH_SECONDS} s and at once on Lettuce's adaptive triggers
 * (a {@code MOVED} redirection, reconnections that keep failing, a node gone), so that after a failover commands go to
 * the promoted replica. Every command the engine sends names one key, or none ({@code PING}, {@code TIME}); scripts
 * name only their stream. Both kinds of connection are used through Lettuce's {@link RedisClusterAsyncCommands},
 * which standalone connections implement as well.
 */
public final class RedisStreamsClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsClient.class);
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /**
     * Flushes one connection may consolidate into one socket write. Lettuce flushes every command it writes; with many
     * publishers on one connection that was one {@code write} system call per XADD, the largest single cost of a busy
     * publisher and of Redis reading it. Netty's {@link FlushConsolidationHandler} defers a flush to the end of the
     * event loop's current turn (or of the read in progress), so commands queued meanwhile leave together; at most
     * this many wait for one write.
     */
    private static final int MAX_CONSOLIDATED_FLUSHES = 256;

    /** The first wait before connecting again when Redis could not be reached; doubled up to {@link #MAX_RETRY}. */
    private static final long FIRST_RETRY = 200;
    private static final long MAX_RETRY = 5_000;
    /** Seconds between periodic reads of a cluster's topology (besides the adaptive ones). */
    private static final int TOPOLOGY_REFRESH_SECONDS = 5;

    private final ClientResources resources;
    private final AbstractRedisClient client;
    /** Opens a connection: to the server (or Sentinel's master), or a cluster connection. */
    private final Supplier<StatefulConnection<String, byte[]>> connector;
    private final boolean cluster;
    /** Null until Redis was first reached; from then on Lettuce keeps it connected (auto-reconnect). */
    private volatile StatefulConnection<String, byte[]> shared;
    private volatile RedisClusterAsyncCommands<String, byte[]> sharedCommands;
    /** Set once the shared connection is open and the {@link #whenConnected} actions have run. */
    private volatile boolean available;
    /** Why Redis has not been reached yet, while it has not. */
    private volatile String unreachable;
    /** Run once when Redis is first reached, before publishing is allowed; guarded by {@code this}. */
    private final List<Runnable> onConnected = new ArrayList<>();
    private volatile boolean closed;
    private final String endpoint;
    /** Opened on first use by a publisher that waits for replicas; see {@link #replicatedPublishing()}. */
    private volatile StatefulConnection<String, byte[]> replicated;
    /** Times the replicated-publishing connection was lost, so that a WAIT answered after a reconnection is not trusted. */
    private final AtomicLong replicatedDisconnects = new AtomicLong();
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "redis-streams-housekeeping");
        thread.setDaemon(true);
        return thread;
    });

    private RedisStreamsClient(ClientResources resources, AbstractRedisClient client,
            Supplier<StatefulConnection<String, byte[]>> connector, boolean cluster, String endpoint) {
        this.resources = resources;
        this.client = client;
        this.connector = connector;
        this.cluster = cluster;
        this.endpoint = endpoint;
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == replicated) {
                    replicatedDisconnects.incrementAndGet();
                }
            }
        });
    }

    /** Connects with the configuration's uri, username, password, database and tls options. */
    public static RedisStreamsClient connect(RedisStreamsConfiguration configuration) {
        // parsed first: a wrong URI fails before any thread is started
        List<RedisURI> seeds = configuration.isCluster() ? clusterUris(configuration) : null;
        RedisURI uri = seeds == null ? redisUri(configuration) : null;
        // Lettuce times every command into HdrHistograms whenever HdrHistogram and LatencyUtils are on the class path
        // (Micrometer brings them); nobody reads those, the bus has its own meters: off
        ClientResources resources = DefaultClientResources.builder()
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .nettyCustomizer(new NettyCustomizer() {
                    @Override
                    public void afterChannelInitialized(Channel channel) {
                        channel.pipeline().addLast(new FlushConsolidationHandler(MAX_CONSOLIDATED_FLUSHES, true));
                    }
                })
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).keepAlive(true).build();
        SslOptions ssl = sslOptions(configuration);
        RedisStreamsClient connected;
        if (seeds != null) {
            RedisClusterClient client = RedisClusterClient.create(resources, seeds);
            client.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .socketOptions(socket)
                    .sslOptions(ssl)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(TOPOLOGY_REFRESH_SECONDS))
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                            .refreshTriggersReconnectAttempts(3)
                            .build())
                    .build());
            connected = new RedisStreamsClient(resources, client, () -> client.connect(CODEC), true,
                    clusterEndpoint(seeds));
        } else {
            RedisClient client = RedisClient.create(resources, uri);
            client.setOptions(ClientOptions.builder().autoReconnect(true).socketOptions(socket).sslOptions(ssl)
                    .build());
            connected = new RedisStreamsClient(resources, client, () -> client.connect(CODEC), false, endpoint(uri));
        }
        try {
            connected.open(false);
        } catch (RedisConnectionException e) {
            if (answered(e)) {
                // Redis is there and refused us (password, database): configuration, not an outage
                connected.close();
                throw new IllegalStateException("cannot connect to Redis at " + connected.endpoint + ": "
                        + reason(e), e);
            }
            if (refusedTls(e)) {
                // a certificate is not trusted, or not accepted: configuration too, waiting would not mend it
                connected.close();
                throw new IllegalStateException("cannot connect to Redis at " + connected.endpoint
                        + ": TLS handshake failed: " + reason(e), e);
            }
            connected.unreachable = reason(e);
            LOG.warn("Cannot reach Redis at {} ({}); starting without it and connecting in the background: "
                    + "publishes fail until it answers, consumers attach when it does", connected.endpoint,
                    connected.unreachable);
            connected.retryIn(FIRST_RETRY);
        } catch (RuntimeException e) {
            connected.close();
            throw new IllegalStateException("cannot connect to Redis at " + connected.endpoint + ": "
                    + e.getMessage(), e);
        }
        return connected;
    }

    /** Opens the shared connection, runs the actions waiting for it and makes the client available. */
    private void open(boolean late) {
        StatefulConnection<String, byte[]> connection = connector.get();
        if (closed) {
            connection.close();
            return;
        }
        sharedCommands = async(connection);
        shared = connection;
        if (late) {
            LOG.info("Connected to Redis at {}", endpoint);
        }
        List<Runnable> actions;
        synchronized (this) {
            actions = new ArrayList<>(onConnected);
            onConnected.clear();
            for (Runnable action : actions) {
                action.run();
            }
            available = true;
            unreachable = null;
        }
    }

    private void retryIn(long delay) {
        try {
            housekeeping.schedule(() -> {
                if (closed) {
                    return;
                }
                try {
                    open(true);
                } catch (RuntimeException e) {
                    unreachable = reason(e);
                    LOG.debug("Redis at {} still unreachable, next attempt in {} ms: {}", endpoint, delay,
                            unreachable);
                    retryIn(Math.min(MAX_RETRY, delay * 2));
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /** Whether Redis answered the connection with an error of its own (authentication, database index). */
    private static boolean answered(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the TLS handshake failed on a certificate: the server's not trusted (or not naming the host), or the
     * client's refused by the server. A connection dropped during the handshake is an outage, not this.
     */
    private static boolean refusedTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The TLS options of the configuration's trust store and key store; without them Lettuce's defaults (the JVM's
     * trust store, no client certificate). A trust store that is a PEM file is read as certificates.
     */
    static SslOptions sslOptions(RedisStreamsConfiguration configuration) {
        String trust = trimmed(configuration.getTlsTrustStore());
        String key = trimmed(configuration.getTlsKeyStore());
        if (trust == null && key == null) {
            return SslOptions.create();
        }
        SslOptions.Builder ssl = SslOptions.builder();
        if (trust != null) {
            File file = new File(trust);
            if (isPem(file)) {
                ssl.trustManager(file);
            } else {
                ssl.truststore(file, configuration.getTlsTrustStorePassword());
            }
        }
        if (key != null) {
            String password = configuration.getTlsKeyStorePassword();
            ssl.keystore(new File(key), password == null ? new char[0] : password.toCharArray());
        }
        return ssl.build();
    }

    private static boolean isPem(File file) {
        try (InputStream in = new FileInputStream(file)) {
            return new String(in.readNBytes(512), StandardCharsets.US_ASCII).contains("-----BEGIN ");
        } catch (IOException e) {
            throw new IllegalArgumentException("tlsTrustStore: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The innermost message: Lettuce's own is only "Unable to connect to host:port". */
    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /**
     * Runs the action once Redis is reached — at once when it has been — and before publishes are let through, so
     * that what it prepares (a consumer group) exists before the first event published after the outage.
     */
    void whenConnected(Runnable action) {
        synchronized (this) {
            if (!available) {
                onConnected.add(action);
                return;
            }
        }
        action.run();
    }

    /** Whether Redis has been reached (it may be down again since: Lettuce then reconnects by itself). */
    public boolean isAvailable() {
        return available;
    }

    /**
     * Null once Redis has been reached; until then why not ({@code Redis at host:port is not reachable: ...}).
     */
    public String unavailableReason() {
        String reason = unreachable;
        return available ? null : "Redis at " + endpoint + " is not reachable (" + reason
                + "); connecting in the background";
    }

    /** Throws a {@link RetryableException} naming the endpoint while Redis has never been reached. */
    public void requireAvailable() {
        String reason = unavailableReason();
        if (reason != null) {
            throw new RetryableException(reason);
        }
    }

    /**
     * Where Redis is, for messages and health details, never with credentials: {@code host:port}, or
     * {@code redis-sentinel://host1:port1,host2:port2#masterName} for a master found through Sentinel.
     */
    public static String endpoint(RedisURI uri) {
        if (uri.getSentinels().isEmpty()) {
            return uri.getHost() + ":" + uri.getPort();
        }
        StringJoiner sentinels = new StringJoiner(",", "redis-sentinel://", "#" + uri.getSentinelMasterId());
        for (RedisURI sentinel : uri.getSentinels()) {
            sentinels.add(sentinel.getHost() + ":" + sentinel.getPort());
        }
        return sentinels.toString();
    }

    /** {@code redis-cluster://host1:port1,host2:port2}: the seed nodes, for messages (never the password). */
    static String clusterEndpoint(List<RedisURI> seeds) {
        StringJoiner nodes = new StringJoiner(",", "redis-cluster://", "");
        for (RedisURI seed : seeds) {
            nodes.add(seed.getHost() + ":" + seed.getPort());
        }
        return nodes.toString();
    }

    /**
     * The seed nodes of a cluster URI ({@code redis-cluster://} or {@code rediss-cluster://}, or Lettuce's multi-host
     * {@code redis://host1:port1,host2:port2}), each with the configuration's credentials and tls option.
     */
    public static List<RedisURI> clusterUris(RedisStreamsConfiguration configuration) {
        String text = configuration.getUri().trim();
        if (text.startsWith(RedisStreamsConfiguration.CLUSTER_SCHEME)) {
            text = "redis://" + text.substring(RedisStreamsConfiguration.CLUSTER_SCHEME.length());
        } else if (text.startsWith(RedisStreamsConfiguration.TLS_CLUSTER_SCHEME)) {
            text = "rediss://" + text.substring(RedisStreamsConfiguration.TLS_CLUSTER_SCHEME.length());
        }
        List<RedisURI> seeds;
        try {
            seeds = RedisClusterURIUtil.toRedisURIs(java.net.URI.create(text));
        } catch (RuntimeException e) {
            // the message of a URI parse error may echo the password: report the shape only
            throw new IllegalArgumentException("uri: not a Redis Cluster URI (expected "
                    + "redis-cluster://[user:password@]host1:port1[,host2:port2...])");
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("uri: a Redis Cluster URI needs at least one seed node "
                    + "(redis-cluster://host1:port1,host2:port2)");
        }
        for (RedisURI seed : seeds) {
            applyCredentials(configuration, seed);
            if (configuration.isTls()) {
                seed.setSsl(true);
            }
            applyVerification(configuration, seed);
        }
        return seeds;
    }

    public static RedisURI redisUri(RedisStreamsConfiguration configuration) {
        RedisURI uri;
        try {
            uri = RedisURI.create(configuration.getUri());
        } catch (RuntimeException e) {
            // the message of a URI parse error may echo the password: report the shape only
            throw new IllegalArgumentException("uri: not a Redis URI (expected redis://host:port[/database], "
                    + "rediss://... or redis-sentinel://host1:port1[,host2:port2...][/database]#masterName)");
        }
        if (!uri.getSentinels().isEmpty() && (uri.getSentinelMasterId() == null
                || uri.getSentinelMasterId().isEmpty())) {
            throw new IllegalArgumentException("uri: a redis-sentinel:// URI needs the master's name after '#' "
                    + "(redis-sentinel://host1:port1,host2:port2#masterName)");
        }
        if (configuration.getSentinelPassword() != null && !configuration.getSentinelPassword().isEmpty()) {
            if (uri.getSentinels().isEmpty()) {
                throw new IllegalArgumentException("sentinelPassword: set, but the uri names no sentinels "
                        + "(redis-sentinel://...)");
            }
            // Lettuce's convention: the URI's password is the data nodes'; each sentinel has its own
            for (RedisURI sentinel : uri.getSentinels()) {
                sentinel.setPassword(configuration.getSentinelPassword().toCharArray());
            }
        }
        applyCredentials(configuration, uri);
        if (configuration.getDatabase() > 0) {
            uri.setDatabase(configuration.getDatabase());
        }
        if (configuration.isTls()) {
            uri.setSsl(true);
        }
        applyVerification(configuration, uri);
        return uri;
    }

    /** Lettuce verifies the peer fully by default; {@link TlsVerification#CA} leaves out the host name. */
    private static void applyVerification(RedisStreamsConfiguration configuration, RedisURI uri) {
        if (configuration.getTlsVerify() == TlsVerification.CA) {
            uri.setVerifyPeer(SslVerifyMode.CA);
        }
    }

    /** The configuration's password (and username), when set, on the URI. */
    private static void applyCredentials(RedisStreamsConfiguration configuration, RedisURI uri) {
        if (configuration.getPassword() != null && !configuration.getPassword().isEmpty()) {
            if (configuration.getUsername() != null && !configuration.getUsername().isEmpty()) {
                uri.setCredentialsProvider(io.lettuce.core.RedisCredentialsProvider.from(
                        () -> io.lettuce.core.RedisCredentials.just(configuration.getUsername(),
                                configuration.getPassword())));
            } else {
                uri.setPassword(configuration.getPassword().toCharArray());
            }
        }
    }

    /** Whether this is a Redis Cluster client, whose connections route each command to its key's master. */
    public boolean isCluster() {
        return cluster;
    }

    /**
     * The shared, pipelined connection's asynchronous commands: a standalone (or Sentinel's master) connection's, or a
     * cluster connection's. Never send a blocking command on it.
     */
    public RedisClusterAsyncCommands<String, byte[]> commands() {
        RedisClusterAsyncCommands<String, byte[]> commands = sharedCommands;
        if (commands == null) {
            throw new RetryableException(unavailableReason());
        }
        return commands;
    }

    /** The asynchronous commands of a connection this client opened, standalone or cluster. */
    public static RedisClusterAsyncCommands<String, byte[]> async(StatefulConnection<String, byte[]> connection) {
        if (connection instanceof StatefulRedisClusterConnection<String, byte[]> cluster) {
            return cluster.async();
        }
        return ((StatefulRedisConnection<String, byte[]>) connection).async();
    }

    /** A new connection for one consumer's blocking reads; the caller closes it. */
    public StatefulConnection<String, byte[]> dedicatedConnection() {
        requireAvailable();
        return connector.get();
    }

    /**
     * The connection of publishers that wait for replicas ({@code waitForReplicas}), opened on first use: their
     * {@code WAIT} blocks the connection it is sent on until the replicas answer or it times out, which on the shared
     * connection would hold up every consumer's acknowledgements and the health check behind it.
     */
    StatefulConnection<String, byte[]> replicatedPublishing() {
        if (cluster) {
            // RedisStreamsConfiguration.validate refuses waitForReplicas with a cluster URI
            throw new IllegalStateException("waiting for replicas is not supported on a Redis Cluster");
        }
        StatefulConnection<String, byte[]> connection = replicated;
        if (connection == null) {
            synchronized (this) {
                connection = replicated;
                if (connection == null) {
                    requireAvailable();
                    connection = connector.get();
                    replicated = connection;
                }
            }
        }
        return connection;
    }

    /** How many times the replicated-publishing connection was lost so far; see {@link ReplicaAcknowledgements}. */
    long replicatedDisconnects() {
        return replicatedDisconnects.get();
    }

    /** One thread for background work that waits on Redis replies (safe trimming), off Lettuce's event loops. */
    ScheduledExecutorService housekeeping() {
        return housekeeping;
    }

    /** {@code host:port}, or the sentinels and the master's name, for messages (never the password). */
    public String endpoint() {
        return endpoint;
    }

    /** Round-trip time of a PING, in milliseconds; throws when Redis does not answer within the timeout. */
    public double ping(long timeoutMillis) throws Exception {
        long start = System.nanoTime();
        await(commands().ping(), timeoutMillis);
        return (System.nanoTime() - start) / 1e6;
    }

    /** The stream's consumer groups; empty when the stream does not exist. */
    public List<StreamGroupInfo> groups(String stream, long timeoutMillis) throws Exception {
        try {
            return StreamGroupInfo.parse(await(commands().xinfoGroups(stream), timeoutMillis));
        } catch (RedisCommandExecutionException e) {
            if (isNoSuchKey(e)) {
                return List.of();
            }
            throw e;
        }
    }

    /** The stream's length, 0 when it does not exist. */
    public long length(String stream, long timeoutMillis) throws Exception {
        return await(commands().xlen(stream), timeoutMillis);
    }

    /** The id of the stream's first entry, or null when it has none. */
    StreamEntryId firstId(String stream, long timeoutMillis) throws Exception {
        List<StreamMessage<String, byte[]>> first = await(commands().xrange(stream, Range.unbounded(), Limit.from(1)),
                timeoutMillis);
        return first.isEmpty() ? null : StreamEntryId.parse(first.get(0).getId());
    }

    @Override
    public void close() {
        closed = true;
        housekeeping.shutdownNow();
        try {
            StatefulConnection<String, byte[]> connection = shared;
            if (connection != null) {
                connection.close();
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /**
     * The reply, or a {@link TimeoutException} when Redis has not answered within the timeout. The timer is Lettuce's
     * hashed wheel, which adds and cancels in constant time: {@code CompletableFuture.orTimeout} schedules on a heap
     * under a lock and removes from it again on every reply, which showed in the publish benchmark.
     */
    public <T> CompletableFuture<T> within(CompletionStage<T> reply, long timeoutMillis) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Timeout timeout = resources.timer().newTimeout(expired -> result.completeExceptionally(
                new TimeoutException("Redis did not answer within " + timeoutMillis + " ms")), timeoutMillis,
                TimeUnit.MILLISECONDS);
        reply.whenComplete((value, failure) -> {
            timeout.cancel();
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    /** Waits for a command's reply, unwrapping Redis errors so callers can tell {@code NOGROUP} from the rest. */
    public static <T> T await(Future<T> reply, long timeoutMillis) throws Exception {
        try {
            return reply.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            reply.cancel(true);
            throw new TimeoutException("Redis did not answer within " + timeoutMillis + " ms");
        }
    }

    static boolean isNoGroup(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException && t.getMessage() != null
                    && t.getMessage().startsWith("NOGROUP")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNoSuchKey(Throwable e) {
        return e.getMessage() != null && e.getMessage().contains("no such key");
    }
}
