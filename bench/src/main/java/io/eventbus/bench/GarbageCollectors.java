package io.eventbus.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.stream.Collectors;

/**
 * The collectors this JVM runs, as the reports name them: a G1 young pause of 10 to 50 ms on a 2-core machine sets
 * the p99 of every row at a fixed rate, so a latency figure means little without the collector it was taken under.
 */
final class GarbageCollectors {

    private GarbageCollectors() {
    }

    /** e.g. {@code G1 Young Generation, G1 Old Generation} or {@code ZGC Cycles, ZGC Pauses}. */
    static String names() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
    }
}
