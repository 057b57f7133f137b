package io.eventbus.transport.redis;

import java.util.Locale;

import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

import io.eventbus.transport.ConfigKey;
import io.eventbus.transport.redis.streams.RedisStreamsConfiguration;
import io.eventbus.transport.redis.streams.RetentionMode;
import io.eventbus.transport.redis.streams.TlsVerification;

/**
 * The Redis Streams transport's {@code eventbus.redis.*} settings, options of the {@code bus} component; they become
 * the {@link RedisStreamsConfiguration} of the transport's client ({@link #toStreamsConfiguration()}). Group,
 * concurrency, redelivery delay and start position come from each {@code bus:} endpoint.
 */
@UriParams
public class RedisSettings {

    /**
     * The server: redis://host:port, with /N after it for database N, rediss:// for TLS; or, through Redis Sentinel,
     * redis-sentinel://host1:port1,host2:port2#masterName (a /N database before the #): every connection goes to the
     * master the sentinels name and follows it after a failover (replicas are never read); or a Redis Cluster,
     * redis-cluster://host1:port1,host2:port2 (seed nodes; rediss-cluster:// for TLS; Lettuce's multi-host
     * redis://host1:port1,host2:port2 as well): each command goes to the master of its key's slot, and a topic's
     * streams are named with a hash tag, {prefix+topic} and {prefix+topic}.dlq.
     */
    @UriParam(label = "redis", defaultValue = "redis://127.0.0.1:6379")
    @ConfigKey("eventbus.redis.uri")
    private String redisUri = "redis://127.0.0.1:6379";

    /** The ACL user (default: the default user). */
    @UriParam(label = "redis,security", secret = true)
    @ConfigKey("eventbus.redis.username")
    private String redisUsername;

    /**
     * The password of the server, or with Sentinel of the master and its replicas; from EVENTBUS_REDIS_PASSWORD (or
     * a secret file named by EVENTBUS_REDIS_PASSWORD_FILE) rather than a file. Never logged.
     */
    @UriParam(label = "redis,security", secret = true)
    @ConfigKey("eventbus.redis.password")
    private String redisPassword;

    /** The password of the sentinels (their requirepass), the same for all. Never logged. */
    @UriParam(label = "redis,security", secret = true)
    @ConfigKey("eventbus.redis.sentinel-password")
    private String redisSentinelPassword;

    /** The database number; above 0 it overrides the URI's. A Redis Cluster has database 0 only. */
    @UriParam(label = "redis", defaultValue = "0")
    @ConfigKey("eventbus.redis.database")
    private int redisDatabase;

    /** Whether to connect with TLS (a rediss:// URI turns it on too). */
    @UriParam(label = "redis,security", defaultValue = "false")
    @ConfigKey("eventbus.redis.tls")
    private boolean redisTls;

    /**
     * With TLS, the certificates to trust (default: the JVM's trust store): a PEM file of CA (or server) certificates,
     * or a PKCS12 or JKS trust store with tls-trust-store-password.
     */
    @UriParam(label = "redis,security")
    @ConfigKey("eventbus.redis.tls-trust-store")
    private String redisTlsTrustStore;

    /** The password of a PKCS12 or JKS tls-trust-store. Never logged. */
    @UriParam(label = "redis,security", secret = true)
    @ConfigKey("eventbus.redis.tls-trust-store-password")
    private String redisTlsTrustStorePassword;

    /**
     * With TLS, the client certificate and its key as a PKCS12 or JKS key store (default none), for a server that
     * authenticates its clients (Redis's tls-auth-clients, on by default).
     */
    @UriParam(label = "redis,security")
    @ConfigKey("eventbus.redis.tls-key-store")
    private String redisTlsKeyStore;

    /** The password of tls-key-store and of the key in it. Never logged. */
    @UriParam(label = "redis,security", secret = true)
    @ConfigKey("eventbus.redis.tls-key-store-password")
    private String redisTlsKeyStorePassword;

    /**
     * How the server's certificate is checked. FULL: its chain up to a trusted certificate and that it names the
     * uri's host. CA: its chain only, for a server reached by an address its certificate does not name (any holder of
     * a certificate from the same authority can then pose as the server).
     */
    @UriParam(label = "redis,security", defaultValue = "FULL", enums = "FULL,CA")
    @ConfigKey("eventbus.redis.tls-verify")
    private TlsVerification redisTlsVerify = TlsVerification.FULL;

    /** Prepended to every topic to name its stream (default none: the stream is the topic). */
    @UriParam(label = "redis")
    @ConfigKey("eventbus.redis.stream-prefix")
    private String redisStreamPrefix;

    /**
     * Retention target in entries; 0: no length limit. The stream is trimmed towards it only past what every
     * consumer group has received and acknowledged (a hard cap with retention CAP).
     */
    @UriParam(label = "redis", defaultValue = "10000")
    @ConfigKey("eventbus.redis.max-len")
    private long redisMaxLen = 10000;

    /**
     * Retention target in milliseconds; 0: no age limit. Older entries are trimmed once every consumer group has
     * acknowledged them.
     */
    @UriParam(label = "redis", defaultValue = "0")
    @ConfigKey("eventbus.redis.max-age")
    private long redisMaxAge;

    /**
     * Whether trimming removes whole radix-tree nodes only (cheap; the stream then holds up to one node over its
     * target) rather than trimming to the exact entry.
     */
    @UriParam(label = "redis", defaultValue = "true")
    @ConfigKey("eventbus.redis.approximate-trimming")
    private boolean redisApproximateTrimming = true;

    /**
     * What max-len means. TARGET: a goal, reached once every group has acknowledged what is trimmed; a lagging group
     * makes the stream grow, which a gauge and a warning name. CAP: a hard limit; a publish that would drop an entry
     * a group still needs is refused with a retryable error naming the group.
     */
    @UriParam(label = "redis", defaultValue = "TARGET", enums = "TARGET,CAP")
    @ConfigKey("eventbus.redis.retention")
    private RetentionMode redisRetention = RetentionMode.TARGET;

    /** Entries one XREADGROUP or XAUTOCLAIM fetches at most. */
    @UriParam(label = "redis", defaultValue = "100")
    @ConfigKey(value = "eventbus.redis.count", min = 1)
    private int redisCount = 100;

    /**
     * Entries a consumer holds at once, read ahead of its workers and not yet settled (at least its concurrency).
     */
    @UriParam(label = "redis", defaultValue = "400")
    @ConfigKey(value = "eventbus.redis.prefetch", min = 1)
    private int redisPrefetch = 400;

    /** Milliseconds one XREADGROUP blocks waiting for entries. */
    @UriParam(label = "redis", defaultValue = "2000")
    @ConfigKey(value = "eventbus.redis.block", min = 1)
    private int redisBlock = 2000;

    /**
     * Milliseconds an entry stays pending at a member before another member claims it with XAUTOCLAIM (longer than
     * the slowest exchange, or a slow member's entries are processed twice).
     */
    @UriParam(label = "redis", defaultValue = "60000")
    @ConfigKey(value = "eventbus.redis.claim-min-idle", min = 1)
    private int redisClaimMinIdle = 60000;

    /** Milliseconds between two looks of a consumer for entries to claim. */
    @UriParam(label = "redis", defaultValue = "1000")
    @ConfigKey(value = "eventbus.redis.claim-interval", min = 1)
    private int redisClaimInterval = 1000;

    /** Milliseconds a publish waits for Redis to append the entry. */
    @UriParam(label = "redis", defaultValue = "10000")
    @ConfigKey(value = "eventbus.redis.publish-timeout", min = 1)
    private int redisPublishTimeout = 10000;

    /**
     * Replicas that must have an entry before its publish succeeds (Redis WAIT); 0: off, and a failover loses the
     * entries the old master confirmed but had not yet replicated. On, a publish costs a replication round trip and
     * fails, retryably, when fewer replicas answer within wait-timeout; the retry may duplicate the entry. Refused with
     * a Redis Cluster uri.
     */
    @UriParam(label = "redis", defaultValue = "0")
    @ConfigKey("eventbus.redis.wait-for-replicas")
    private int redisWaitForReplicas;

    /** Milliseconds a publish waits for wait-for-replicas replicas; keep it below publish-timeout. */
    @UriParam(label = "redis", defaultValue = "1000")
    @ConfigKey(value = "eventbus.redis.wait-timeout", min = 1)
    private int redisWaitTimeout = 1000;

    /** The configuration of the transport's client, checked: an option out of range fails naming its key. */
    RedisStreamsConfiguration toStreamsConfiguration() {
        RedisStreamsConfiguration c = new RedisStreamsConfiguration();
        c.setUri(redisUri);
        c.setUsername(redisUsername);
        c.setPassword(redisPassword);
        c.setSentinelPassword(redisSentinelPassword);
        c.setDatabase(redisDatabase);
        c.setTls(redisTls);
        c.setTlsTrustStore(redisTlsTrustStore);
        c.setTlsTrustStorePassword(redisTlsTrustStorePassword);
        c.setTlsKeyStore(redisTlsKeyStore);
        c.setTlsKeyStorePassword(redisTlsKeyStorePassword);
        c.setTlsVerify(redisTlsVerify);
        c.setMaxLen(redisMaxLen);
        c.setMaxAge(redisMaxAge);
        c.setApproximateTrimming(redisApproximateTrimming);
        c.setRetention(redisRetention);
        c.setCount(redisCount);
        c.setPrefetch(redisPrefetch);
        c.setBlock(redisBlock);
        c.setClaimMinIdle(redisClaimMinIdle);
        c.setClaimInterval(redisClaimInterval);
        c.setPublishTimeout(redisPublishTimeout);
        c.setWaitForReplicas(redisWaitForReplicas);
        c.setWaitTimeout(redisWaitTimeout);
        if (c.isCluster() && redisWaitForReplicas > 0) {
            throw new IllegalArgumentException("eventbus.redis.wait-for-replicas: "
                    + RedisStreamsConfiguration.CLUSTER_WAIT_REFUSED);
        }
        try {
            c.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("eventbus.redis." + kebab(e.getMessage()), e);
        }
        return c;
    }

    /** {@code claimMinIdle: must be > 0} → {@code claim-min-idle: must be > 0}: the option named as its key. */
    private static String kebab(String message) {
        int colon = message.indexOf(':');
        if (colon < 0) {
            return message;
        }
        String option = message.substring(0, colon).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        return option + message.substring(colon);
    }

    public String getRedisUri() {
        return redisUri;
    }

    public void setRedisUri(String redisUri) {
        this.redisUri = redisUri;
    }

    public String getRedisUsername() {
        return redisUsername;
    }

    public void setRedisUsername(String redisUsername) {
        this.redisUsername = redisUsername;
    }

    public String getRedisPassword() {
        return redisPassword;
    }

    public void setRedisPassword(String redisPassword) {
        this.redisPassword = redisPassword;
    }

    public String getRedisSentinelPassword() {
        return redisSentinelPassword;
    }

    public void setRedisSentinelPassword(String redisSentinelPassword) {
        this.redisSentinelPassword = redisSentinelPassword;
    }

    public int getRedisDatabase() {
        return redisDatabase;
    }

    public void setRedisDatabase(int redisDatabase) {
        this.redisDatabase = redisDatabase;
    }

    public boolean isRedisTls() {
        return redisTls;
    }

    public void setRedisTls(boolean redisTls) {
        this.redisTls = redisTls;
    }

    public String getRedisTlsTrustStore() {
        return redisTlsTrustStore;
    }

    public void setRedisTlsTrustStore(String redisTlsTrustStore) {
        this.redisTlsTrustStore = redisTlsTrustStore;
    }

    public String getRedisTlsTrustStorePassword() {
        return redisTlsTrustStorePassword;
    }

    public void setRedisTlsTrustStorePassword(String redisTlsTrustStorePassword) {
        this.redisTlsTrustStorePassword = redisTlsTrustStorePassword;
    }

    public String getRedisTlsKeyStore() {
        return redisTlsKeyStore;
    }

    public void setRedisTlsKeyStore(String redisTlsKeyStore) {
        this.redisTlsKeyStore = redisTlsKeyStore;
    }

    public String getRedisTlsKeyStorePassword() {
        return redisTlsKeyStorePassword;
    }

    public void setRedisTlsKeyStorePassword(String redisTlsKeyStorePassword) {
        this.redisTlsKeyStorePassword = redisTlsKeyStorePassword;
    }

    public TlsVerification getRedisTlsVerify() {
        return redisTlsVerify;
    }

    public void setRedisTlsVerify(TlsVerification redisTlsVerify) {
        this.redisTlsVerify = redisTlsVerify;
    }

    public String getRedisStreamPrefix() {
        return redisStreamPrefix;
    }

    public void setRedisStreamPrefix(String redisStreamPrefix) {
        this.redisStreamPrefix = redisStreamPrefix;
    }

    public long getRedisMaxLen() {
        return redisMaxLen;
    }

    public void setRedisMaxLen(long redisMaxLen) {
        this.redisMaxLen = redisMaxLen;
    }

    public long getRedisMaxAge() {
        return redisMaxAge;
    }

    public void setRedisMaxAge(long redisMaxAge) {
        this.redisMaxAge = redisMaxAge;
    }

    public boolean isRedisApproximateTrimming() {
        return redisApproximateTrimming;
    }

    public void setRedisApproximateTrimming(boolean redisApproximateTrimming) {
        this.redisApproximateTrimming = redisApproximateTrimming;
    }

    public RetentionMode getRedisRetention() {
        return redisRetention;
    }

    public void setRedisRetention(RetentionMode redisRetention) {
        this.redisRetention = redisRetention;
    }

    public int getRedisCount() {
        return redisCount;
    }

    public void setRedisCount(int redisCount) {
        this.redisCount = redisCount;
    }

    public int getRedisPrefetch() {
        return redisPrefetch;
    }

    public void setRedisPrefetch(int redisPrefetch) {
        this.redisPrefetch = redisPrefetch;
    }

    public int getRedisBlock() {
        return redisBlock;
    }

    public void setRedisBlock(int redisBlock) {
        this.redisBlock = redisBlock;
    }

    public int getRedisClaimMinIdle() {
        return redisClaimMinIdle;
    }

    public void setRedisClaimMinIdle(int redisClaimMinIdle) {
        this.redisClaimMinIdle = redisClaimMinIdle;
    }

    public int getRedisClaimInterval() {
        return redisClaimInterval;
    }

    public void setRedisClaimInterval(int redisClaimInterval) {
        this.redisClaimInterval = redisClaimInterval;
    }

    public int getRedisPublishTimeout() {
        return redisPublishTimeout;
    }

    public void setRedisPublishTimeout(int redisPublishTimeout) {
        this.redisPublishTimeout = redisPublishTimeout;
    }

    public int getRedisWaitForReplicas() {
        return redisWaitForReplicas;
    }

    public void setRedisWaitForReplicas(int redisWaitForReplicas) {
        this.redisWaitForReplicas = redisWaitForReplicas;
    }

    public int getRedisWaitTimeout() {
        return redisWaitTimeout;
    }

    public void setRedisWaitTimeout(int redisWaitTimeout) {
        this.redisWaitTimeout = redisWaitTimeout;
    }
}
