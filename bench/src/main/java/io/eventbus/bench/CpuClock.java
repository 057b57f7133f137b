package io.eventbus.bench;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

import com.sun.management.OperatingSystemMXBean;

/**
 * CPU time spent by this JVM and, where the benchmark can ask it, by the broker's process: the cost per event printed
 * beside throughput. On a small shared machine a round's throughput moves with the scheduler; the CPU an event costs
 * moves less (early rounds also count the JIT compiler), which helps tell whether a change made the bus cheaper.
 */
final class CpuClock {

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final LongSupplier broker;
    private final String scope;

    private CpuClock(LongSupplier broker, String scope) {
        this.broker = broker;
        this.scope = scope;
    }

    /** This JVM only (with an in-JVM broker, that broker too). */
    static CpuClock jvm(String scope) {
        return new CpuClock(() -> 0, scope);
    }

    /** This JVM plus the CPU nanoseconds the broker reports of itself. */
    static CpuClock jvmAndBroker(LongSupplier brokerCpuNanos, String scope) {
        return new CpuClock(brokerCpuNanos, scope);
    }

    /** What the CPU column counts, for the report. */
    String scope() {
        return scope;
    }

    /** CPU nanoseconds so far; the difference of two readings is what ran in between. */
    long now() {
        return broker.getAsLong() + OS.getProcessCpuTime();
    }
}
