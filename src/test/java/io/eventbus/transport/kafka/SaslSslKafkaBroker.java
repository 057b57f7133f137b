package io.eventbus.transport.kafka;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import io.eventbus.transport.TestCertificates;
import io.eventbus.transport.redis.RedisService;

/**
 * A single-node KRaft broker in the test JVM whose client listener speaks SASL_SSL only: TLS with the server
 * certificate of {@link TestCertificates}, then SCRAM-SHA-256 or SCRAM-SHA-512 authentication of one user whose
 * credentials are written into the metadata log when its storage is formatted (the {@code kafka-storage format
 * --add-scram} of an operator), so they exist before the broker accepts its first client. Brokers and controller
 * talk over loopback PLAINTEXT listeners of their own, which no test client uses.
 */
final class SaslSslKafkaBroker implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int internalPort;
    private final KafkaRaftServer server;

    private SaslSslKafkaBroker(Path dir, int port, int internalPort, KafkaRaftServer server) {
        this.dir = dir;
        this.port = port;
        this.internalPort = internalPort;
        this.server = server;
    }

    /** Formats {@code dir} with the user's SCRAM credentials (both mechanisms) and starts the broker. */
    static SaslSslKafkaBroker start(Path dir, TestCertificates certificates, String user, String password)
            throws Exception {
        return start(dir, certificates, user, password, false);
    }

    /**
     * The same broker enforcing ACLs (KRaft's {@code StandardAuthorizer}, nothing allowed without one): the SCRAM
     * user may do only what a test grants it, through an admin client on {@link #internalBootstrapServers()}, whose
     * PLAINTEXT principal ({@code ANONYMOUS}, as the controller's) is a super user.
     */
    static SaslSslKafkaBroker startAuthorizing(Path dir, TestCertificates certificates, String user,
            String password) throws Exception {
        return start(dir, certificates, user, password, true);
    }

    private static SaslSslKafkaBroker start(Path dir, TestCertificates certificates, String user, String password,
            boolean authorizing) throws Exception {
        Files.createDirectories(dir);
        int port = RedisService.freePort();
        int internalPort = RedisService.freePort();
        int controllerPort = RedisService.freePort();
        Properties p = new Properties();
        p.put("node.id", "1");
        p.put("process.roles", "broker,controller");
        p.put("listeners", "SECURE://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "SECURE://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort);
        p.put("listener.security.protocol.map", "SECURE:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "INTERNAL");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512");
        String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
        p.put("listener.name.secure.scram-sha-256.sasl.jaas.config", scram);
        p.put("listener.name.secure.scram-sha-512.sasl.jaas.config", scram);
        p.put("listener.name.secure.ssl.keystore.location", certificates.serverKeyStore.toString());
        p.put("listener.name.secure.ssl.keystore.password", TestCertificates.STORE_PASSWORD);
        p.put("listener.name.secure.ssl.key.password", TestCertificates.STORE_PASSWORD);
        p.put("listener.name.secure.ssl.keystore.type", "PKCS12");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "2");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "500");
        p.put("auto.create.topics.enable", "false");
        if (authorizing) {
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("super.users", "User:ANONYMOUS");
        }
        Path config = dir.resolve("broker.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "SASL_SSL test broker");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int formatted = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                config.toString(),
                "--add-scram", "SCRAM-SHA-256=[name=" + user + ",password=" + password + "]",
                "--add-scram", "SCRAM-SHA-512=[name=" + user + ",password=" + password + "]"},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (formatted != 0) {
            throw new IllegalStateException("formatting the SASL_SSL broker's storage failed (" + formatted + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();
        return new SaslSslKafkaBroker(dir, port, internalPort, server);
    }

    /** The SASL_SSL listener, the only one clients are given. */
    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * A bus on this broker's SASL_SSL listener as {@code user} with SCRAM-SHA-512, two partitions per topic and a
     * short session timeout; what to trust is the caller's to add.
     */
    Map<String, String> busProperties(String user, String password) {
        Map<String, String> props = new HashMap<>();
        props.put("eventbus.transport", "kafka");
        props.put("eventbus.kafka.bootstrap-servers", bootstrapServers());
        props.put("eventbus.kafka.partitions", "2");
        props.put("eventbus.kafka.security-protocol", "SASL_SSL");
        props.put("eventbus.kafka.sasl-mechanism", "SCRAM-SHA-512");
        props.put("eventbus.kafka.username", user);
        props.put("eventbus.kafka.password", password);
        props.put("eventbus.kafka.consumer.session.timeout.ms", "3000");
        props.put("eventbus.kafka.consumer.heartbeat.interval.ms", "500");
        return props;
    }

    /** The PLAINTEXT listener of the brokers, for a test's own super-user admin client; never given to the bus. */
    String internalBootstrapServers() {
        return "127.0.0.1:" + internalPort;
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
