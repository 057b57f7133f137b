package io.eventbus.runtime;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;

/**
 * {@code eventbus consume --topic T --group G}: prints each event of the topic, as the group's member, as one line
 * of JSON on standard output, and acknowledges it once printed. Stops after {@code --max} events or when nothing
 * arrived for {@code --idle-timeout} seconds; with neither, on SIGINT/SIGTERM, which stops it the same graceful way
 * (the event in hand is printed and acknowledged first). Events fetched beyond {@code --max} are neither printed
 * nor acknowledged: they go back to the group. Invalid events are dead-lettered by the bus, as for any consumer.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print a topic's events as JSONL, as a member of a consumer group, acknowledging each.")
final class ConsumeCommand implements Callable<Integer> {

    private static final String ROUTE_ID = "eventbus-consume";
    private static final long SHUTDOWN_WAIT_SECONDS = 30;

    @Mixin
    BusOptions bus;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to read.")
    String topic;

    @Option(names = "--group", required = true, paramLabel = "GROUP", description = "The consumer group to join.")
    String group;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N events.")
    Integer max;

    @Option(names = "--quiet", description = "No progress of --max on standard error (shown only when it is a "
            + "terminal).")
    boolean quiet;

    /** With --max on a terminal: the events printed so far against the most asked for. */
    private volatile Progress progress;

    @Option(names = "--idle-timeout", paramLabel = "S", description = "Stop when no event arrived for S seconds.")
    Integer idleTimeout;

    private final AtomicInteger printed = new AtomicInteger();
    private final AtomicLong lastEventNanos = new AtomicLong(System.nanoTime());
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if (max != null && max < 1 || idleTimeout != null && idleTimeout < 1) {
            throw new IllegalArgumentException("--max and --idle-timeout must be at least 1");
        }
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        progress = max == null ? null : Progress.onTerminal("consume " + topic, (long) max, quiet);
        Thread hook = new Thread(this::stopOnSignal, "eventbus-consume-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (ToolContext tool = ToolContext.start(bus.configuration())) {
            tool.requireSharedTransport("eventbus consume", topic);
            EnvelopeCodec codec = tool.bus().getValidator().codec();
            tool.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:" + topic + "?group=" + group + "&concurrency=1").routeId(ROUTE_ID)
                            .process(exchange -> print(exchange, codec, out));
                }
            });
            awaitStop();
            tool.context().getRouteController().stopRoute(ROUTE_ID); // graceful: the event in hand is acknowledged
        } finally {
            out.flush();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running and waits for us
            }
        }
        Progress.close(progress);
        System.err.println("eventbus consume: " + printed.get() + " event(s) from " + topic + " as group " + group);
        return 0;
    }

    private void print(Exchange exchange, EnvelopeCodec codec, PrintStream out) {
        if (max != null && printed.get() >= max || stopRequested.getCount() == 0) {
            // neither printed nor acknowledged: the failed exchange hands the event back to the group
            throw new IllegalStateException("consume is stopping; event left to the group");
        }
        Envelope envelope = exchange.getIn().getBody(Envelope.class);
        synchronized (out) {
            out.println(codec.toJson(envelope));
            out.flush();
        }
        lastEventNanos.set(System.nanoTime());
        int count = printed.incrementAndGet();
        Progress.step(progress);
        if (max != null && count >= max) {
            stopRequested.countDown();
        }
    }

    private void awaitStop() throws InterruptedException {
        while (!stopRequested.await(200, TimeUnit.MILLISECONDS)) {
            if (idleTimeout != null && System.nanoTime() - lastEventNanos.get() >= TimeUnit.SECONDS.toNanos(idleTimeout)) {
                return;
            }
        }
    }

    /** SIGINT/SIGTERM: ask the main thread to stop gracefully and wait for it, so the last event is acknowledged. */
    private void stopOnSignal() {
        stopRequested.countDown();
        try {
            stopped.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
