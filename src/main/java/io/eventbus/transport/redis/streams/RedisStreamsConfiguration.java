package io.eventbus.transport.redis.streams;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

import io.eventbus.transport.StartPosition;

/**
 * The options of the {@code redis-streams:} component, set on the component (defaults for every endpoint) or per
 * endpoint URI; the {@code redis} transport behind {@code bus:} fills the same object from {@code eventbus.redis.*}.
 * Every option is checked by {@link #validate()} with a message naming it.
 */
@UriParams
public class RedisStreamsConfiguration implements Cloneable {

    // ---------------------------------------------------------------- connection

    /**
     * The Redis server as a Lettuce URI (default redis://127.0.0.1:6379); rediss:// for TLS, a path
     * (/2) for the database; redis-sentinel://[password@]host1:port1[,host2:port2...][/database]#masterName to
     * reach the master that Redis Sentinel names, again after every failover. The password in the URI (or the
     * password option) is the master's and replicas', not the sentinels' (see sentinelPassword).
     * redis-cluster://[user:password@]host1:port1[,host2:port2...] (rediss-cluster:// for TLS, or Lettuce's
     * multi-host redis://host1:port1,host2:port2) names the seed nodes of a Redis Cluster: each command goes to the
     * master owning its key's slot; give streams that must share a slot a hash tag ({orders}, {orders}.dlq).
     */
    @UriParam(label = "common", defaultValue = "redis://127.0.0.1:6379")
    private String uri = "redis://127.0.0.1:6379";

    /** The ACL user name (default none: the default user). */
    @UriParam(label = "security", secret = true)
    private String username;

    /** The password (default none); never logged nor shown in health details. */
    @UriParam(label = "security", secret = true)
    private String password;

    /**
     * The password of the sentinels of a redis-sentinel:// URI (default none: sentinels without requirepass); the
     * same for every sentinel, never logged.
     */
    @UriParam(label = "security", secret = true)
    private String sentinelPassword;

    /** The database number (default 0, or the one in the URI); a value above 0 overrides the URI's. */
    @UriParam(label = "common", defaultValue = "0")
    private int database;

    /** Whether to connect with TLS (default false; a rediss:// URI turns it on too). */
    @UriParam(label = "security", defaultValue = "false")
    private boolean tls;

    /**
     * With TLS, the certificates to trust (default none: the JVM's trust store): a PEM file of CA (or server)
     * certificates, or a PKCS12 or JKS trust store (then with tlsTrustStorePassword).
     */
    @UriParam(label = "security")
    private String tlsTrustStore;

    /** The password of a PKCS12 or JKS tlsTrustStore (default none); never logged. */
    @UriParam(label = "security", secret = true)
    private String tlsTrustStorePassword;

    /**
     * With TLS, the client's key and certificate chain as a PKCS12 or JKS key store (default none: no client
     * certificate), for a server that authenticates its clients (Redis's tls-auth-clients, on by default).
     */
    @UriParam(label = "security")
    private String tlsKeyStore;

    /** The password of tlsKeyStore and of the key in it (default none); never logged. */
    @UriParam(label = "security", secret = true)
    private String tlsKeyStorePassword;

    /**
     * How the server's certificate is checked (default FULL): FULL, its chain up to a trusted certificate and that it
     * names the host of the uri; CA, its chain only (for servers reached by an address their certificate does not
     * name; anyone holding a certificate from the same authority can then pose as the server).
     */
    @UriParam(label = "security", defaultValue = "FULL", enums = "FULL,CA")
    private TlsVerification tlsVerify = TlsVerification.FULL;

    /** The stream field holding the message body (default envelope, the event bus wire format). */
    @UriParam(label = "common", defaultValue = "envelope")
    private String bodyField = "envelope";

    // ---------------------------------------------------------------- consumer

    /** The consumer group (default: the route id); created with MKSTREAM when missing. */
    @UriParam(label = "consumer")
    private String group;

    /**
     * This member's consumer name in the group (default host-pid-n, unique per process and consumer).
     */
    @UriParam(label = "consumer")
    private String consumer;

    /** The most entries one XREADGROUP or XAUTOCLAIM fetches (default 100). */
    @UriParam(label = "consumer", defaultValue = "100")
    private int count = 100;

    /**
     * The most entries this member holds at once, read and not yet settled (default 400, at least concurrency):
     * reads run ahead of the workers by up to this many, so that they have work while the next XREADGROUP is on its
     * way. A read is sent once count places are free (or half the prefetch, when that is less) and fetches up to
     * count. Entries held by a member that dies wait claimMinIdle before another member claims them.
     */
    @UriParam(label = "consumer", defaultValue = "400")
    private int prefetch = 400;

    /**
     * How long (in milliseconds) one XREADGROUP blocks waiting for entries (default 2000); never longer than
     * claimInterval, so that claim rounds stay on time.
     */
    @UriParam(label = "consumer", defaultValue = "2000")
    private long block = 2000;

    /** Entries this consumer processes at once (default 1; with 1 they are processed in stream order). */
    @UriParam(label = "consumer", defaultValue = "1")
    private int concurrency = 1;

    /**
     * Delay (in milliseconds) before an entry whose exchange failed is delivered again (default 1000); it stays
     * pending meanwhile.
     */
    @UriParam(label = "consumer", defaultValue = "1000")
    private long redeliveryDelay = 1000;

    /**
     * Idle time (in milliseconds) after which an entry pending at another, presumably dead, member is taken over with
     * XAUTOCLAIM (default 60000). Longer than the slowest exchange, or a slow member's entries are processed
     * twice.
     */
    @UriParam(label = "consumer", defaultValue = "60000")
    private long claimMinIdle = 60000;

    /** How often (in milliseconds) the consumer looks for idle pending entries to claim (default 1000). */
    @UriParam(label = "consumer", defaultValue = "1000")
    private long claimInterval = 1000;

    /**
     * Where a group that does not exist yet starts (default EARLIEST: 0, the oldest retained entry;
     * LATEST: $, only new entries).
     */
    @UriParam(label = "consumer", defaultValue = "EARLIEST", enums = "EARLIEST,LATEST")
    private StartPosition startFrom = StartPosition.EARLIEST;

    // ---------------------------------------------------------------- producer

    /**
     * Retention target in entries (default 10000; 0: none). Under the default retention TARGET the stream is trimmed
     * towards it only past what every consumer group has read and acknowledged; under CAP it is a hard limit that a
     * publish may not exceed while the oldest entry is still needed.
     */
    @UriParam(label = "producer", defaultValue = "10000")
    private long maxLen = 10000;

    /**
     * Retention target in time (in milliseconds, default 0: none): entries older than this are trimmed once every
     * consumer group has read and acknowledged them, under either retention.
     */
    @UriParam(label = "producer", defaultValue = "0")
    private long maxAge;

    /**
     * Whether trimming removes whole radix-tree nodes only (default true), much cheaper than exact trimming: the
     * stream then holds up to one node (stream-node-max-entries, 100 by default) more than its target.
     */
    @UriParam(label = "producer", defaultValue = "true")
    private boolean approximateTrimming = true;

    /**
     * What maxLen means (default TARGET). TARGET: a goal, reached only past what every consumer group has read and
     * acknowledged; a lagging group makes the stream grow past it, which the held-past-retention gauge and a
     * warning (at most once a minute) report, naming the group. CAP: a hard limit; a publish that would need to drop
     * an entry some group has not read or acknowledged is refused with a retryable error naming that group
     * (back-pressure on the publishers). Neither ever drops an entry a group still needs.
     */
    @UriParam(label = "producer", defaultValue = "TARGET", enums = "TARGET,CAP")
    private RetentionMode retention = RetentionMode.TARGET;

    /** How long (in milliseconds) a publish waits for Redis to accept the entry (default 10000). */
    @UriParam(label = "producer", defaultValue = "10000")
    private long publishTimeout = 10000;

    /**
     * Replicas (default 0: none) that must have an entry before its publish succeeds: each publish is followed by
     * Redis WAIT, and fails with a retryable error when fewer replicas acknowledged within waitTimeout, because an
     * entry only the master holds is lost if that master fails over. The publisher then retries, so a duplicate is
     * possible. Costs a replication round trip (shared by concurrent publishes) and one more connection. Refused
     * with a Redis Cluster uri.
     */
    @UriParam(label = "producer", defaultValue = "0")
    private int waitForReplicas;

    /**
     * How long (in milliseconds) a publish waits for waitForReplicas replicas to acknowledge it (default 1000);
     * keep it below publishTimeout.
     */
    @UriParam(label = "producer", defaultValue = "1000")
    private long waitTimeout = 1000;

    public RedisStreamsConfiguration copy() {
        try {
            return (RedisStreamsConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** Fails with the name of the first option out of range. */
    /** The scheme of a Redis Cluster URI naming its seed nodes; {@link #TLS_CLUSTER_SCHEME} with TLS. */
    public static final String CLUSTER_SCHEME = "redis-cluster://";
    public static final String TLS_CLUSTER_SCHEME = "rediss-cluster://";
    /** Why waiting for replicas is refused on a cluster, after the option's name. */
    public static final String CLUSTER_WAIT_REFUSED = "not supported on a Redis Cluster (the uri names a cluster): "
            + "a WAIT would have to go to the master owning each stream's slot, on the connection that appended; "
            + "set it to 0";

    /**
     * Whether the uri names a Redis Cluster: {@code redis-cluster://host1:port1[,host2:port2...]}
     * ({@code rediss-cluster://} with TLS), or Lettuce's multi-host {@code redis://host1:port1,host2:port2}.
     */
    public boolean isCluster() {
        if (uri == null) {
            return false;
        }
        String text = uri.trim();
        if (text.startsWith(CLUSTER_SCHEME) || text.startsWith(TLS_CLUSTER_SCHEME)) {
            return true;
        }
        if (!text.startsWith("redis://") && !text.startsWith("rediss://")) {
            return false;
        }
        String authority = text.substring(text.indexOf("//") + 2);
        int end = authority.indexOf('/');
        authority = end < 0 ? authority : authority.substring(0, end);
        return authority.substring(authority.lastIndexOf('@') + 1).contains(",");
    }

    public void validate() {
        requirePositive("count", count);
        requirePositive("prefetch", prefetch);
        requirePositive("block", block);
        requirePositive("concurrency", concurrency);
        requireNonNegative("redeliveryDelay", redeliveryDelay);
        requirePositive("claimMinIdle", claimMinIdle);
        requirePositive("claimInterval", claimInterval);
        requireNonNegative("maxLen", maxLen);
        requireNonNegative("maxAge", maxAge);
        requirePositive("publishTimeout", publishTimeout);
        requireNonNegative("database", database);
        requireNonNegative("waitForReplicas", waitForReplicas);
        requirePositive("waitTimeout", waitTimeout);
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri: must not be empty (e.g. redis://127.0.0.1:6379)");
        }
        if (isCluster() && waitForReplicas > 0) {
            throw new IllegalArgumentException("waitForReplicas: " + CLUSTER_WAIT_REFUSED);
        }
        if (isCluster() && database > 0) {
            throw new IllegalArgumentException("database: a Redis Cluster has database 0 only, but was " + database);
        }
        if (bodyField == null || bodyField.isBlank()) {
            throw new IllegalArgumentException("bodyField: must not be empty");
        }
        if (retention == null) {
            throw new IllegalArgumentException("retention: must be TARGET or CAP");
        }
        if (retention == RetentionMode.CAP && maxLen == 0) {
            throw new IllegalArgumentException("retention: CAP needs maxLen above 0, the cap");
        }
        requireReadableFile("tlsTrustStore", tlsTrustStore);
        requireReadableFile("tlsKeyStore", tlsKeyStore);
        if (tlsVerify == null) {
            throw new IllegalArgumentException("tlsVerify: must be FULL or CA");
        }
    }

    /** Checked here, or Lettuce would only say so at the first connection, without naming the option. */
    private static void requireReadableFile(String option, String file) {
        if (file != null && !file.isBlank() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(file.trim()))) {
            throw new IllegalArgumentException(option + ": no readable file at " + file.trim());
        }
    }

    private static void requirePositive(String option, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + ": must be > 0 but was " + value);
        }
    }

    private static void requireNonNegative(String option, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + ": must be >= 0 but was " + value);
        }
    }

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
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

    public String getTlsTrustStore() {
        return tlsTrustStore;
    }

    public void setTlsTrustStore(String tlsTrustStore) {
        this.tlsTrustStore = tlsTrustStore;
    }

    public String getTlsTrustStorePassword() {
        return tlsTrustStorePassword;
    }

    public void setTlsTrustStorePassword(String tlsTrustStorePassword) {
        this.tlsTrustStorePassword = tlsTrustStorePassword;
    }

    public String getTlsKeyStore() {
        return tlsKeyStore;
    }

    public void setTlsKeyStore(String tlsKeyStore) {
        this.tlsKeyStore = tlsKeyStore;
    }

    public String getTlsKeyStorePassword() {
        return tlsKeyStorePassword;
    }

    public void setTlsKeyStorePassword(String tlsKeyStorePassword) {
        this.tlsKeyStorePassword = tlsKeyStorePassword;
    }

    public TlsVerification getTlsVerify() {
        return tlsVerify;
    }

    public void setTlsVerify(TlsVerification tlsVerify) {
        this.tlsVerify = tlsVerify;
    }

    public String getBodyField() {
        return bodyField;
    }

    public void setBodyField(String bodyField) {
        this.bodyField = bodyField;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public String getConsumer() {
        return consumer;
    }

    public void setConsumer(String consumer) {
        this.consumer = consumer;
    }

    public int getCount() {
        return count;
    }

    public void setCount(int count) {
        this.count = count;
    }

    public int getPrefetch() {
        return prefetch;
    }

    public void setPrefetch(int prefetch) {
        this.prefetch = prefetch;
    }

    public long getBlock() {
        return block;
    }

    public void setBlock(long block) {
        this.block = block;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public long getRedeliveryDelay() {
        return redeliveryDelay;
    }

    public void setRedeliveryDelay(long redeliveryDelay) {
        this.redeliveryDelay = redeliveryDelay;
    }

    public long getClaimMinIdle() {
        return claimMinIdle;
    }

    public void setClaimMinIdle(long claimMinIdle) {
        this.claimMinIdle = claimMinIdle;
    }

    public long getClaimInterval() {
        return claimInterval;
    }

    public void setClaimInterval(long claimInterval) {
        this.claimInterval = claimInterval;
    }

    public StartPosition getStartFrom() {
        return startFrom;
    }

    public void setStartFrom(StartPosition startFrom) {
        this.startFrom = startFrom;
    }

    public long getMaxLen() {
        return maxLen;
    }

    public void setMaxLen(long maxLen) {
        this.maxLen = maxLen;
    }

    public long getMaxAge() {
        return maxAge;
    }

    public void setMaxAge(long maxAge) {
        this.maxAge = maxAge;
    }

    public boolean isApproximateTrimming() {
        return approximateTrimming;
    }

    public void setApproximateTrimming(boolean approximateTrimming) {
        this.approximateTrimming = approximateTrimming;
    }

    public RetentionMode getRetention() {
        return retention;
    }

    public void setRetention(RetentionMode retention) {
        this.retention = retention;
    }

    public long getPublishTimeout() {
        return publishTimeout;
    }

    public void setPublishTimeout(long publishTimeout) {
        this.publishTimeout = publishTimeout;
    }

    public String getSentinelPassword() {
        return sentinelPassword;
    }

    public void setSentinelPassword(String sentinelPassword) {
        this.sentinelPassword = sentinelPassword;
    }

    public int getWaitForReplicas() {
        return waitForReplicas;
    }

    public void setWaitForReplicas(int waitForReplicas) {
        this.waitForReplicas = waitForReplicas;
    }

    public long getWaitTimeout() {
        return waitTimeout;
    }

    public void setWaitTimeout(long waitTimeout) {
        this.waitTimeout = waitTimeout;
    }
}
