package io.eventbus.transport.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Redis servers the Redis tests use: the shared one on 127.0.0.1:6379 (required: a test fails, never skips,
 * without it), and private {@code redis-server} processes a test starts on a free port of its own.
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

    static int freePort() throws IOException {
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
            process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--dir", dir.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                RedisClient client = RedisClient.create(uri());
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    connection.sync().ping();
                    return;
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        fail("redis-server on port " + port + " did not start: "
                                + Files.readString(dir.resolve("redis.log")));
                    }
                    Thread.sleep(100);
                } finally {
                    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                }
            }
        }

        /** Kills the server at once (SIGKILL): only what the append-only file holds survives. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null && process.isAlive()) {
                kill();
            }
        }
    }
}
