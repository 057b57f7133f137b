package io.eventbus.karaf;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apache Karaf for a test, offline: a fresh copy of the distribution Maven unpacked
 * ({@code target/karaf-distribution}), resolving bundles only from its own {@code system} folder and from
 * {@code target/karaf-repository} (every bundle the features name, fetched by Maven in the same build), on free ports;
 * started as {@code bin/karaf server}, driven with {@code bin/client} as a user types commands, stopped with
 * {@code bin/stop}.
 */
final class KarafInstance implements AutoCloseable {

    static final String VERSION = "4.4.10";
    private static final Path DISTRIBUTION = Path.of("target/karaf-distribution/apache-karaf-" + VERSION);
    private static final Path REPOSITORY = Path.of("target/karaf-repository");

    final Path home;
    final int sshPort;
    final int httpPort;
    private Process process;

    KarafInstance(Path home) throws IOException {
        if (!Files.isDirectory(DISTRIBUTION) || !Files.isDirectory(REPOSITORY)) {
            throw new IllegalStateException(DISTRIBUTION + " and " + REPOSITORY + " are made by mvn verify's "
                    + "pre-integration-test phase (maven-dependency-plugin, karaf-maven-plugin)");
        }
        this.home = home;
        copy(DISTRIBUTION, home);
        sshPort = freePort();
        httpPort = freePort();
        Path etc = home.resolve("etc");
        Files.writeString(etc.resolve("org.ops4j.pax.url.mvn.cfg"), String.join("\n",
                "org.ops4j.pax.url.mvn.localRepository=" + home.resolve("data/m2").toAbsolutePath(),
                "org.ops4j.pax.url.mvn.defaultRepositories=" + home.resolve("system").toUri() + "@id=system@snapshots,"
                        + REPOSITORY.toAbsolutePath().toUri() + "@id=eventbus@snapshots",
                "org.ops4j.pax.url.mvn.repositories=",
                "org.ops4j.pax.url.mvn.offline=true",
                "org.ops4j.pax.url.mvn.useFallbackRepositories=false", ""));
        replaceLine(etc.resolve("users.properties"), "#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup");
        replaceLine(etc.resolve("users.properties"), "#_g_\\:admingroup", "_g_\\:admingroup");
        replaceLine(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort = 8101", "sshPort = " + sshPort);
        replaceLine(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort = 1099",
                "rmiRegistryPort = " + freePort());
        replaceLine(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort = 44444",
                "rmiServerPort = " + freePort());
        // created before the http feature's own default (8181), which then leaves it alone
        Files.writeString(etc.resolve("org.ops4j.pax.web.cfg"), "org.osgi.service.http.enabled = true\n"
                + "org.osgi.service.http.port = " + httpPort + "\n");
    }

    void start() throws Exception {
        process = new ProcessBuilder(home.resolve("bin/karaf").toAbsolutePath().toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(home.resolve("console.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!portOpen(sshPort)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Karaf did not open its shell on port " + sshPort + ":\n"
                        + Files.readString(home.resolve("console.log")));
            }
            Thread.sleep(250);
        }
    }

    /** Runs shell commands as a user types them; returns what they printed. Fails when the client fails. */
    String shell(String commands) throws Exception {
        Path output = Files.createTempFile(home, "client-", ".log");
        Process client = new ProcessBuilder(home.resolve("bin/client").toAbsolutePath().toString(), "-u", "karaf",
                "-p", "karaf", "-a", String.valueOf(sshPort), "-r", "30", "-d", "2", commands)
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        // the client's standard input stays open until it exits: at end of input it would close at once
        try {
            if (!client.waitFor(5, TimeUnit.MINUTES)) {
                client.destroyForcibly();
                throw new IllegalStateException("bin/client did not finish within 5 minutes: " + commands);
            }
        } finally {
            client.getOutputStream().close();
        }
        String printed = Files.readString(output);
        if (client.exitValue() != 0 || printed.contains("Error executing command")) {
            throw new IllegalStateException("\"" + commands + "\" failed (exit " + client.exitValue() + "):\n"
                    + printed);
        }
        return printed;
    }

    /** Karaf's log, as written so far. */
    String log() throws IOException {
        Path log = home.resolve("data/log/karaf.log");
        return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
    }

    long count(String text) throws IOException {
        return log().lines().filter(line -> line.contains(text)).count();
    }

    /** {@code bin/stop}, then waits for the server's process to end. */
    boolean stop(Duration within) throws Exception {
        Process stop = new ProcessBuilder(home.resolve("bin/stop").toAbsolutePath().toString())
                .directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("stop.log").toFile()).start();
        stop.waitFor(within.toSeconds(), TimeUnit.SECONDS);
        return process.waitFor(within.toSeconds(), TimeUnit.SECONDS);
    }

    /** Every process of this Karaf: the server's and any child it started. */
    List<ProcessHandle> processes() {
        if (process == null) {
            return List.of();
        }
        return Stream.concat(Stream.of(process.toHandle()), process.descendants()).filter(ProcessHandle::isAlive)
                .toList();
    }

    @Override
    public void close() {
        processes().forEach(ProcessHandle::destroyForcibly);
    }

    static boolean portOpen(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void replaceLine(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        if (!text.contains(from)) {
            throw new IllegalStateException(file + " has no line \"" + from + "\"");
        }
        Files.writeString(file, text.replace(from, to));
    }

    private static void copy(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> old = Files.walk(to)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
