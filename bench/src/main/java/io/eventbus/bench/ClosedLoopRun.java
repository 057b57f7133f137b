package io.eventbus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.eventbus.envelope.Envelope;

/**
 * One full-speed run of a pipeline row: its consumer started and ready, then its {@link EventPipeline#publishers()}
 * threads publish every event as fast as the row lets them (each keeps the row's window of unconfirmed publishes
 * full), and the run ends when the consumer has processed the last one. Events/s is events over the time from the
 * first publish to the last processing; latency is from each publish call to its processing (and, beside it, to
 * the broker's confirmation); CPU is what the clock counts over that time.
 */
final class ClosedLoopRun {

    private ClosedLoopRun() {
    }

    static Measurement run(EventPipeline pipeline, String topic, List<Envelope> events, CpuClock cpu)
            throws Exception {
        int count = events.size();
        long[] sentAt = new long[count];
        LatencyRecorder endToEnd = new LatencyRecorder(count);
        LatencyRecorder sendToAck = new LatencyRecorder(count);
        DeliveryTracker tracker = new DeliveryTracker(count);
        ExecutorService publishers = Executors.newFixedThreadPool(pipeline.publishers());
        try (pipeline) {
            pipeline.start(topic, seq -> {
                long now = System.nanoTime();
                if (tracker.first(seq, now)) {
                    endToEnd.record(now - sentAt[seq]);
                }
            });
            AtomicInteger next = new AtomicInteger();
            long cpuAtStart = cpu.now();
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < pipeline.publishers(); p++) {
                done.add(publishers.submit(() -> {
                    int seq;
                    while ((seq = next.getAndIncrement()) < count) {
                        long sent = System.nanoTime();
                        sentAt[seq] = sent;
                        pipeline.publish(seq, events.get(seq), () -> sendToAck.record(System.nanoTime() - sent));
                    }
                    return null;
                }));
            }
            for (Future<?> publisher : done) {
                publisher.get(10, TimeUnit.MINUTES);
            }
            pipeline.awaitConfirmed();
            if (!tracker.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(pipeline.label() + ": " + tracker.missing() + " of " + count
                        + " events never processed");
            }
            long cpuNanos = cpu.now() - cpuAtStart;
            return new Measurement(pipeline.key(), pipeline.label(), count, tracker.lastAt() - start, endToEnd,
                    cpuNanos, LatencyKind.END_TO_END, sendToAck);
        } finally {
            publishers.shutdownNow();
        }
    }
}
