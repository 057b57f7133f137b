package io.eventbus.runtime;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

/**
 * One {@code eventbus} command line run in the test's JVM, with what it printed. {@code run} is started without
 * its HTTP server unless the arguments name {@code --http-port}, so that tests never compete for a port.
 */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        if (args.length > 0 && args[0].equals("run") && !List.of(args).contains("--http-port")) {
            args = Stream.concat(Stream.of(args), Stream.of("--http-port", "0")).toArray(String[]::new);
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = EventBusCli.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new CliRun(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    /** The last line of standard output: the summary of {@code run --until-idle}. */
    public String lastLine() {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }
}
