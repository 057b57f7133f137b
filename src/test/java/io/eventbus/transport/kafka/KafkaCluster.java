package io.eventbus.transport.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A KRaft cluster of {@code size} combined broker+controller nodes, each a child JVM ({@link KafkaClusterNode}) on
 * loopback ports, with its data under a directory the test owns, so that a node can be killed with SIGKILL
 * ({@link #kill(int)}: nothing flushed, closed or handed over) and started again on the same data and ports.
 * <p>
 * Topics default to replication {@code min(size, 3)} with {@code min.insync.replicas} one less (at least 1); a
 * dead broker is fenced after three seconds without a heartbeat, so its partitions get new leaders quickly.
 * {@link #close()} kills every node still running; call it also when a test fails.
 */
final class KafkaCluster implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final Path dir;
    private final int size;
    private final String clusterId = Uuid.randomUuid().toString();
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final Process[] nodes;
    /** Kills the nodes when the test JVM exits without {@link #close()} (interrupted build, fork timeout). */
    private final Thread killOnExit = new Thread(this::killAll, "kafka-cluster-kill");

    KafkaCluster(Path dir, int size) {
        this.dir = dir;
        this.size = size;
        this.brokerPorts = new int[size];
        this.controllerPorts = new int[size];
        this.nodes = new Process[size];
        for (int i = 0; i < size; i++) {
            brokerPorts[i] = freePort();
            controllerPorts[i] = freePort();
        }
        writeLogConfig();
        for (int id = 1; id <= size; id++) {
            writeConfig(id);
        }
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts every node and waits until all of them are registered brokers; kills them when that fails. */
    KafkaCluster start() {
        try {
            for (int id = 1; id <= size; id++) {
                launch(id);
            }
            awaitBrokers(size);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    String bootstrapServers() {
        List<String> servers = new ArrayList<>();
        for (int port : brokerPorts) {
            servers.add("127.0.0.1:" + port);
        }
        return String.join(",", servers);
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"));
    }

    /** SIGKILL to node {@code id} (1-based), waiting until the process is gone. */
    void kill(int id) throws InterruptedException {
        Process node = nodes[id - 1];
        node.destroyForcibly();
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + id + " did not die");
        }
    }

    /** Starts node {@code id} again on its data and ports (without waiting for it to join). */
    void restart(int id) {
        launch(id);
    }

    /** The node id of the active KRaft controller (the quorum leader). */
    int activeController() throws Exception {
        try (Admin admin = admin()) {
            return admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        }
    }

    /** Waits until {@code count} brokers are registered and unfenced. */
    void awaitBrokers(int count) {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the Kafka cluster did not have " + count + " brokers within " + STARTUP
                + " (node logs in " + dir + ")", last);
    }

    /** Waits until every partition of the topic has all its replicas in sync again. */
    void awaitFullIsr(String topic, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                            .get(10, TimeUnit.SECONDS).get(topic);
                    if (description.partitions().stream().allMatch(p -> p.isr().size() == p.replicas().size())) {
                        return;
                    }
                } catch (Exception e) {
                    // asked while the metadata moves: ask again
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " lacks in-sync replicas after " + timeout);
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * The topic's replicas per partition and its effective {@code min.insync.replicas}. Asked right after the topic
     * was created, the broker that answers may not know it yet ({@code UnknownTopicOrPartitionException}): asked
     * again for up to 10 s.
     */
    String replication(String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Admin admin = admin()) {
            while (true) {
                try {
                    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                            .get(10, TimeUnit.SECONDS).get(topic);
                    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                    String minIsr = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS)
                            .get(resource).get("min.insync.replicas").value();
                    return "replicas " + description.partitions().stream().map(p -> p.replicas().size()).distinct()
                            .toList() + ", min.insync.replicas " + minIsr;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    /** Leader node id per partition of the topic. */
    Map<Integer, Integer> leaders(String topic) throws Exception {
        try (Admin admin = admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().collect(Collectors.toMap(p -> p.partition(),
                            p -> p.leader() == null ? -1 : p.leader().id(), (a, b) -> a, LinkedHashMap::new));
        }
    }

    /** Kills every node still running and waits for each to be gone. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway
        }
    }

    private void killAll() {
        for (Process node : nodes) {
            if (node != null) {
                node.destroyForcibly();
            }
        }
        for (Process node : nodes) {
            if (node != null) {
                try {
                    node.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void launch(int id) {
        Process previous = nodes[id - 1];
        if (previous != null && previous.isAlive()) {
            throw new IllegalStateException("node " + id + " is running");
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        File log = dir.resolve("node-" + id + ".log").toFile();
        try {
            nodes[id - 1] = new ProcessBuilder(java, "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                    "-cp", System.getProperty("java.class.path"), KafkaClusterNode.class.getName(),
                    dir.resolve("node-" + id + ".properties").toString(), clusterId)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeConfig(int id) {
        int replication = Math.min(size, 3);
        Properties p = new Properties();
        p.put("node.id", String.valueOf(id));
        p.put("process.roles", "broker,controller");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[id - 1] + ",CONTROLLER://127.0.0.1:"
                + controllerPorts[id - 1]);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[id - 1]);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        List<String> voters = new ArrayList<>();
        for (int n = 1; n <= size; n++) {
            voters.add(n + "@127.0.0.1:" + controllerPorts[n - 1]);
        }
        p.put("controller.quorum.voters", String.join(",", voters));
        p.put("log.dirs", dir.resolve("data-" + id).toString());
        p.put("default.replication.factor", String.valueOf(replication));
        p.put("min.insync.replicas", String.valueOf(Math.max(1, replication - 1)));
        p.put("offsets.topic.replication.factor", String.valueOf(replication));
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", String.valueOf(replication));
        p.put("transaction.state.log.min.isr", String.valueOf(Math.max(1, replication - 1)));
        p.put("unclean.leader.election.enable", "false");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "500");
        // a killed broker is fenced, and its partitions led elsewhere, after 3 s instead of 9
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        try (Writer out = Files.newBufferedWriter(dir.resolve("node-" + id + ".properties"), StandardCharsets.UTF_8)) {
            p.store(out, "KafkaCluster node " + id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeLogConfig() {
        String config = """
                appender.out.type = Console
                appender.out.name = out
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = %d [%-15.15t] %-5p %-30.30c{1} - %m%n
                rootLogger.level = WARN
                rootLogger.appenderRef.out.ref = out
                logger.kafka.name = kafka.server.KafkaRaftServer
                logger.kafka.level = INFO
                logger.state.name = state.change.logger
                logger.state.level = OFF
                """;
        try {
            Files.writeString(dir.resolve("log4j2.properties"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
