package io.eventbus.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.eventbus.transport.GroupInUseException;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;

/**
 * Judges the consumer groups of one topic by how long each has had no live member, and drops those idle for at
 * least a given time, through any transport's {@link Transport#stats} ({@code idleMillis}) and
 * {@link Transport#deleteGroup}. {@code eventbus groups prune} and the running bus's
 * {@code eventbus.groups.abandon-after} check both judge with it, so they agree on what "abandoned" means.
 * <ul>
 * <li>A group whose idle time the broker cannot tell is never dropped: it is reported as {@link Verdict#CANNOT_TELL}
 * (Kafka and RabbitMQ groups; see each transport's {@code stats}).</li>
 * <li>A group idle for less than the limit is {@link Verdict#ACTIVE} and kept.</li>
 * <li>A group named in {@code spared} (the running application's own routes declare it) is never dropped.</li>
 * <li>The transport has the last word: a group it refuses to delete, because a member came back or still reads, is
 * {@link Verdict#IN_USE} with the transport's reason.</li>
 * </ul>
 */
public final class AbandonedGroups {

    /** What became of one group. */
    public enum Verdict {
        /** Idle for at least the limit, and deleted. */
        DROPPED,
        /** Idle for at least the limit; not deleted, as this was a dry run. */
        ABANDONED,
        /** Idle for less than the limit. */
        ACTIVE,
        /** The transport refused to delete it: it has a live member. */
        IN_USE,
        /** The broker cannot tell how long it has had no member. */
        CANNOT_TELL,
        /** Declared by the running application's own routes. */
        SPARED
    }

    /**
     * One group's verdict.
     *
     * @param lag        its lag when judged (what it had not received), or null
     * @param pending    its unacknowledged events when judged, or null
     * @param idleMillis how long it had had no member, or null
     * @param reason     the transport's refusal for {@link Verdict#IN_USE}, else null
     */
    public record Judged(String topic, String group, Verdict verdict, Long lag, Long pending, Long idleMillis,
            String reason) {
    }

    private AbandonedGroups() {
    }

    /**
     * Judges every group the broker knows of on the topic and, unless {@code dryRun}, deletes those without a
     * member for {@code idleForMillis} or longer.
     */
    public static List<Judged> prune(Transport transport, String topic, long idleForMillis, Set<String> spared,
            boolean dryRun) throws Exception {
        List<Judged> judged = new ArrayList<>();
        for (TopicStats.GroupStats group : transport.stats(topic, Set.of()).groups()) {
            judged.add(judge(transport, topic, group, idleForMillis, spared, dryRun));
        }
        return judged;
    }

    private static Judged judge(Transport transport, String topic, TopicStats.GroupStats group, long idleForMillis,
            Set<String> spared, boolean dryRun) throws Exception {
        Verdict verdict;
        String reason = null;
        if (spared.contains(group.group())) {
            verdict = Verdict.SPARED;
        } else if (group.idleMillis() == null) {
            verdict = Verdict.CANNOT_TELL;
        } else if (group.idleMillis() < idleForMillis) {
            verdict = Verdict.ACTIVE;
        } else if (dryRun) {
            verdict = Verdict.ABANDONED;
        } else {
            try {
                // false: gone meanwhile (another process pruned it), which is what was wanted
                transport.deleteGroup(topic, group.group());
                verdict = Verdict.DROPPED;
            } catch (GroupInUseException e) {
                verdict = Verdict.IN_USE;
                reason = e.getMessage();
            }
        }
        return new Judged(topic, group.group(), verdict, group.lag(), group.pending(), group.idleMillis(), reason);
    }
}
