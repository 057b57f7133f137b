package io.eventbus.transport.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Redis servers the Redis tests use: the shared one on 127.0.0.1:6379 (required: a test fails, never skips,
 * without it), private {@code redis-server} processes a test starts on a free port of its own, and a
 * {@link SentinelGroup} or {@link ClusterGroup} of such processes (a test fails when {@code redis-server} is
 * missing).
 */
public final class RedisService {

    public static final String URI = "redis://127.0.0.1:6379";

    private RedisService() {
    }

    /** Fails the test class when the shared Redis does not answer. */
    public static void requireRunning() {
        requireAnswers(URI);
    }

    static void requireAnswers(String uri) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().ping();
        } catch (RuntimeException e) {
            fail("Redis is not running at " + uri + " (start it with .ci/run or redis-server): " + e.getMessage());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** A plain Lettuce connection for assertions; the caller closes the client. */
    public static RedisClient client(String uri) {
        return RedisClient.create(uri);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A private redis-server with append-only persistence, on its own port and data directory. */
    static final class PrivateServer implements AutoCloseable {
        final int port;
        final Path dir;
        private Process process;

        PrivateServer(Path dir) throws IOException {
            this.port = freePort();
            this.dir = dir;
        }

        String uri() {
            return "redis://127.0.0.1:" + port;
        }

        void start() throws Exception {
            process = launch(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--dir", dir.toString()),
                    port, dir.resolve("redis.log"));
        }

        /** Kills the server at once (SIGKILL): only what the append-only file holds survives. */
        void kill() throws InterruptedException {
            RedisService.kill(process);
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null && process.isAlive()) {
                kill();
            }
        }
    }

    /**
     * Redis Sentinel on loopback: a master, its replicas and three sentinels ({@code redis-server --sentinel}) watching
     * it under the name {@link #MASTER_NAME} with quorum 2, each a private process on a free port, without
     * persistence, in one directory. A master that stops answering is declared down after one second and a replica
     * promoted a moment later.
     */
    static final class SentinelGroup implements AutoCloseable {
        static final String MASTER_NAME = "eventbus";

        private final Path dir;
        private final List<Integer> serverPorts = new ArrayList<>();
        private final List<Integer> sentinelPorts = new ArrayList<>();
        private final Map<Integer, Process> processes = new LinkedHashMap<>();

        SentinelGroup(Path dir) {
            this.dir = dir;
        }

        /** The {@code redis-sentinel://} URI naming the three sentinels and the master. */
        String uri() {
            StringJoiner sentinels = new StringJoiner(",", "redis-sentinel://", "#" + MASTER_NAME);
            sentinelPorts.forEach(port -> sentinels.add("127.0.0.1:" + port));
            return sentinels.toString();
        }

        /** Starts the master, the replicas and the sentinels; returns once the sentinels know each other and all. */
        SentinelGroup start(int replicas) throws Exception {
            try {
                int master = freePort();
                startServer(master, List.of());
                for (int i = 0; i < replicas; i++) {
                    startServer(freePort(), List.of("--replicaof", "127.0.0.1", String.valueOf(master)));
                }
                awaitReplicasOnline(master, replicas, Duration.ofSeconds(20));
                for (int i = 0; i < 3; i++) {
                    int port = freePort();
                    Path config = dir.resolve("sentinel-" + port + ".conf");
                    Files.writeString(config, String.join("\n",
                            "port " + port,
                            "bind 127.0.0.1",
                            "dir " + dir,
                            "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master + " 2",
                            "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                            "sentinel failover-timeout " + MASTER_NAME + " 5000",
                            "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
                    processes.put(port, launch(List.of("redis-server", config.toString(), "--sentinel"), port,
                            dir.resolve("sentinel-" + port + ".log")));
                    sentinelPorts.add(port);
                }
                awaitUntil("the sentinels to know each other and the " + replicas + " replicas",
                        Duration.ofSeconds(30), () -> sentinelPorts.stream().allMatch(port -> {
                            Map<String, String> state = sentinelState(port);
                            return "2".equals(state.get("num-other-sentinels"))
                                    && String.valueOf(replicas).equals(state.get("num-slaves"));
                        }));
                return this;
            } catch (Exception | AssertionError e) {
                close();
                throw e;
            }
        }

        /** The port of the master the sentinels name now. */
        int masterPort() {
            for (int sentinel : sentinelPorts) {
                try {
                    return Integer.parseInt(sentinelState(sentinel).get("port"));
                } catch (RuntimeException notThisOne) {
                    // next sentinel
                }
            }
            throw new IllegalStateException("no sentinel answers");
        }

        /** Kills the master at once (SIGKILL); returns its port. */
        int killMaster() throws InterruptedException {
            int master = masterPort();
            RedisService.kill(processes.remove(master));
            return master;
        }

        /**
         * Cuts replication, as a slow or broken network would: stops the replicas (SIGSTOP) and closes their links
         * at the master ({@code CLIENT KILL TYPE replica}), so that the master goes on accepting writes that no
         * replica receives until {@link #resumeReplicas()}. (Stopping alone is not enough on loopback: the socket
         * buffers take the writes and the replica reads them once it runs again.)
         */
        void cutReplication() throws Exception {
            signalReplicas("-STOP");
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + masterPort());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.sync().dispatch(CommandType.CLIENT, new IntegerOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("KILL").add("TYPE").add("replica"));
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }

        /** Lets the replicas stopped by {@link #cutReplication()} run again (SIGCONT). */
        void resumeReplicas() throws Exception {
            signalReplicas("-CONT");
        }

        private void signalReplicas(String signal) throws Exception {
            int master = masterPort();
            for (int port : serverPorts) {
                Process process = processes.get(port);
                if (port != master && process != null && process.isAlive()) {
                    int exit = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start()
                            .waitFor();
                    assertEquals(0, exit, "kill " + signal + " of the replica on port " + port);
                }
            }
        }

        /**
         * Waits until every sentinel names a master other than {@code old} and that master has {@code replicas}
         * replicas online; returns its port.
         */
        int awaitFailover(int old, int replicas, Duration timeout) throws Exception {
            awaitUntil("a replica to be promoted in place of the master on port " + old, timeout,
                    () -> sentinelPorts.stream().allMatch(port -> !String.valueOf(old).equals(
                            sentinelState(port).get("port"))));
            int master = masterPort();
            awaitReplicasOnline(master, replicas, timeout);
            return master;
        }

        private void startServer(int port, List<String> extra) throws Exception {
            List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--dbfilename", "dump-" + port + ".rdb", "--repl-diskless-sync", "yes",
                    "--repl-diskless-sync-delay", "0"));
            command.addAll(extra);
            processes.put(port, launch(command, port, dir.resolve("redis-" + port + ".log")));
            serverPorts.add(port);
        }

        private static void awaitReplicasOnline(int master, int replicas, Duration timeout) throws Exception {
            awaitUntil(replicas + " replicas online at the master on port " + master, timeout, () -> {
                String info = info(master, "replication");
                return info.contains("role:master") && info.split("state=online", -1).length - 1 >= replicas;
            });
        }

        private static String info(int port, String section) {
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                return connection.sync().info(section);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }

        /** {@code SENTINEL MASTER <name>} as a map (ip, port, num-slaves, num-other-sentinels, flags...). */
        private static Map<String, String> sentinelState(int sentinel) {
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + sentinel);
            try (StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel()) {
                return connection.sync().master(MASTER_NAME);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }

        /** Kills every process (SIGKILL), also after a failed start. */
        @Override
        public void close() throws InterruptedException {
            killAll(processes);
        }
    }

    /**
     * Redis Cluster on loopback: three masters and a replica each ({@code cluster-enabled yes}), private processes on
     * free ports without persistence, in one directory, joined by {@code redis-cli --cluster create}. A master that
     * stops answering is marked failed after {@value #NODE_TIMEOUT} ms and its replica promoted.
     */
    static final class ClusterGroup implements AutoCloseable {
        static final int NODE_TIMEOUT = 2000;

        private final Path dir;
        private final Map<Integer, Process> processes = new LinkedHashMap<>();

        ClusterGroup(Path dir) {
            this.dir = dir;
        }

        /** {@code redis-cluster://} naming every node as a seed. */
        String uri() {
            StringJoiner seeds = new StringJoiner(",", "redis-cluster://", "");
            processes.keySet().forEach(port -> seeds.add("127.0.0.1:" + port));
            return seeds.toString();
        }

        /** Starts the six nodes, creates the cluster and returns once every node reports cluster_state:ok. */
        ClusterGroup start() throws Exception {
            try {
                for (int i = 0; i < 6; i++) {
                    int port = freePort();
                    processes.put(port, launch(List.of("redis-server", "--port", String.valueOf(port), "--bind",
                            "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                            "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT),
                            // a replica starved of CPU on a busy machine still takes over (its data age is not held
                            // against it): the tests are about the bus, not about Redis's election rules
                            "--cluster-replica-validity-factor", "0", "--save", "", "--appendonly", "no",
                            "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb"), port,
                            dir.resolve("redis-" + port + ".log")));
                }
                List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
                processes.keySet().forEach(port -> create.add("127.0.0.1:" + port));
                create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
                Path log = dir.resolve("cluster-create.log");
                Process creating = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(log.toFile())
                        .start();
                if (!creating.waitFor(60, TimeUnit.SECONDS) || creating.exitValue() != 0) {
                    creating.destroyForcibly();
                    fail("redis-cli --cluster create failed: " + Files.readString(log));
                }
                awaitHealthy(Duration.ofSeconds(30));
                return this;
            } catch (Exception | AssertionError e) {
                close();
                throw e;
            }
        }

        /** Waits until every live node says cluster_state:ok and three masters own slots, each with a replica. */
        void awaitHealthy(Duration timeout) throws InterruptedException {
            awaitUntil("the cluster to be ok on every node with three masters and their replicas", timeout, () -> {
                for (int port : processes.keySet()) {
                    if (!info(port, "CLUSTER INFO").contains("cluster_state:ok")) {
                        return false;
                    }
                }
                List<String[]> nodes = nodes();
                long masters = nodes.stream().filter(n -> n[2].contains("master") && !n[2].contains("fail")
                        && n.length > 8).count();
                long replicas = nodes.stream().filter(n -> n[2].contains("slave") && !n[2].contains("fail")
                        && "connected".equals(n[7])).count();
                return masters == 3 && replicas == 3;
            });
        }

        /** The port of the master that owns the slot. */
        int masterOf(int slot) {
            for (String[] node : nodes()) {
                if (!node[2].contains("master") || node[2].contains("fail")) {
                    continue;
                }
                for (int i = 8; i < node.length; i++) {
                    String[] range = node[i].split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = Integer.parseInt(range[range.length - 1]);
                    if (slot >= from && slot <= to) {
                        return Integer.parseInt(node[1].substring(node[1].indexOf(':') + 1, node[1].indexOf('@')));
                    }
                }
            }
            throw new IllegalStateException("no master owns slot " + slot);
        }

        /** The last lines of every node's log, for a failure message. */
        String logTails() {
            StringBuilder tails = new StringBuilder();
            try (java.util.stream.Stream<Path> logs = Files.list(dir)) {
                for (Path log : logs.filter(f -> f.getFileName().toString().startsWith("redis-")).sorted().toList()) {
                    List<String> lines = Files.readAllLines(log);
                    tails.append("\n--- ").append(log.getFileName()).append('\n')
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
                }
            } catch (IOException e) {
                tails.append("\n(logs unreadable: ").append(e.getMessage()).append(')');
            }
            return tails.toString();
        }

        /** Kills a node at once (SIGKILL). */
        void kill(int port) throws InterruptedException {
            RedisService.kill(processes.remove(port));
        }

        /** {@code CLUSTER NODES} of a live node, one array of fields per node. */
        private List<String[]> nodes() {
            for (int port : processes.keySet()) {
                try {
                    List<String[]> nodes = new ArrayList<>();
                    for (String line : info(port, "CLUSTER NODES").split("\n")) {
                        if (!line.isBlank()) {
                            nodes.add(line.trim().split(" "));
                        }
                    }
                    return nodes;
                } catch (RuntimeException notThisOne) {
                    // next node
                }
            }
            throw new IllegalStateException("no cluster node answers");
        }

        private static String info(int port, String command) {
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                return command.equals("CLUSTER INFO") ? connection.sync().clusterInfo()
                        : connection.sync().clusterNodes();
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }

        /** Kills every node (SIGKILL), also after a failed start. */
        @Override
        public void close() throws InterruptedException {
            killAll(processes);
        }
    }

    /** Starts a redis-server process and waits until it answers PING; fails the test with its log otherwise. */
    public static Process launch(List<String> command, int port, Path log) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            fail("cannot start " + command.get(0) + " (is Redis installed?): " + e.getMessage());
            throw e;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.sync().ping();
                return process;
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    process.destroyForcibly();
                    fail(command.get(0) + " on port " + port + " did not start: " + Files.readString(log));
                }
                Thread.sleep(100);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    /** Kills the processes (SIGKILL, which ends a stopped process too), waits for them and forgets them. */
    static void killAll(Map<Integer, Process> processes) throws InterruptedException {
        for (Process process : processes.values()) {
            process.destroyForcibly();
        }
        for (Process process : processes.values()) {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        processes.clear();
    }

    public static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    static void awaitUntil(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // a server not answering yet counts as not yet
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
