package io.eventbus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.eventbus.envelope.Envelope;

/**
 * One open-loop run of a pipeline row at a fixed rate: event {@code i} is due at {@code start + i / rate}, whatever
 * happened to the events before it, and its latency is measured from that intended send time to the consumer's
 * processing of it.
 * <p>
 * Measuring from the intended time corrects for coordinated omission: a closed-loop sender that stalls behind a slow
 * publish sends the next events late and times them from when it finally sent them, so the stall never shows in the
 * percentiles. Here a stall shows in every event that was due during it. The latency from the actual send is
 * recorded too, to show how much the correction changes. Both go into HdrHistogram recorders (3 significant digits,
 * nanoseconds).
 * <p>
 * {@value #DEFAULT_SENDERS} sender threads ({@code -Dbench.rate-senders}) take the due events in turn, each parked
 * until its event is due: a row whose publish waits for the broker's confirmation on the calling thread blocks one
 * sender, not the schedule, as concurrent requests of a server would each wait on their own thread.
 */
final class FixedRateRun {

    static final int DEFAULT_SENDERS = 16;
    static final int SENDERS = Integer.getInteger("bench.rate-senders", DEFAULT_SENDERS);
    /** How long after its last due send a run waits for the remaining events before it counts them lost. */
    private static final long DRAIN_MINUTES = 2;

    /**
     * What one fixed-rate run of a row measured.
     *
     * @param fromIntended   latency from each event's intended send time to its processing, nanoseconds
     * @param fromSend       latency from each event's actual send to its processing, nanoseconds
     * @param maxSendLagNanos how late the latest send left against its intended time
     * @param cpuNanos       CPU time over the run ({@link CpuClock})
     * @param duplicates     events processed more than once (counted once)
     */
    record Result(String key, String label, int events, Histogram fromIntended, Histogram fromSend,
            long maxSendLagNanos, long cpuNanos, long duplicates) {

        double percentileMillis(double percentile) {
            return fromIntended.getValueAtPercentile(percentile) / 1e6;
        }

        double cpuMicrosPerEvent() {
            return cpuNanos / 1e3 / events;
        }
    }

    private FixedRateRun() {
    }

    static Result run(EventPipeline pipeline, String topic, List<Envelope> events, int rate, CpuClock cpu)
            throws Exception {
        int count = events.size();
        double nanosPerEvent = 1e9 / rate;
        long[] sentAt = new long[count];
        Recorder fromIntended = new Recorder(3);
        Recorder fromSend = new Recorder(3);
        DeliveryTracker tracker = new DeliveryTracker(count);
        AtomicLong maxLag = new AtomicLong();
        // set before the first send; the consumer reads it only for events sent after that
        AtomicLong origin = new AtomicLong();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try (pipeline) {
            pipeline.start(topic, seq -> {
                long now = System.nanoTime();
                if (tracker.first(seq, now)) {
                    fromIntended.recordValue(now - intended(origin.get(), seq, nanosPerEvent));
                    fromSend.recordValue(now - sentAt[seq]);
                }
            });
            AtomicInteger next = new AtomicInteger();
            long cpuAtStart = cpu.now();
            // a little ahead, so that every sender is parked waiting when the first event is due
            origin.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                done.add(senders.submit(() -> {
                    int seq;
                    while ((seq = next.getAndIncrement()) < count) {
                        long due = intended(origin.get(), seq, nanosPerEvent);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        long sent = System.nanoTime();
                        sentAt[seq] = sent;
                        maxLag.accumulateAndGet(sent - due, Math::max);
                        pipeline.publish(seq, events.get(seq), () -> { });
                    }
                    return null;
                }));
            }
            long scheduleNanos = (long) (count * nanosPerEvent);
            for (Future<?> sender : done) {
                sender.get(scheduleNanos + TimeUnit.MINUTES.toNanos(10), TimeUnit.NANOSECONDS);
            }
            pipeline.awaitConfirmed();
            if (!tracker.await(DRAIN_MINUTES, TimeUnit.MINUTES)) {
                throw new IllegalStateException(pipeline.label() + ": " + tracker.missing() + " of " + count
                        + " events not processed " + DRAIN_MINUTES + " minutes after the last was sent");
            }
            long cpuNanos = cpu.now() - cpuAtStart;
            return new Result(pipeline.key(), pipeline.label(), count, fromIntended.getIntervalHistogram(),
                    fromSend.getIntervalHistogram(), maxLag.get(), cpuNanos, tracker.duplicates());
        } finally {
            senders.shutdownNow();
        }
    }

    private static long intended(long origin, int seq, double nanosPerEvent) {
        return origin + (long) (seq * nanosPerEvent);
    }
}
