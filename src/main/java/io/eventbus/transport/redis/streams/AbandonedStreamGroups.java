package io.eventbus.transport.redis.streams;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.Limit;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;

import io.eventbus.transport.GroupInUseException;

/**
 * How long a consumer group of a stream has had no live member, and its deletion ({@code XGROUP DESTROY}) once it
 * has none — for {@code eventbus groups} and {@code eventbus.groups.abandon-after}: retention waits for every
 * group, so a group nobody reads any more holds the stream's entries for ever.
 * <ul>
 * <li>Idle time, with consumers listed ({@code XINFO CONSUMERS}): the smallest {@code idle} among them, the time
 * since a member last read or claimed. A running member reads at least every {@code block} ms and claims every
 * {@code claim-interval} ms, so its idle time stays small; a crashed one, never deleted from the group, ages.</li>
 * <li>Idle time, with no consumer listed (members that stop cleanly leave the group): the age of the oldest entry
 * the group has not received, by Redis's own clock ({@code TIME}), since a member would have read it. With nothing
 * unreceived the group holds no entry and Redis cannot tell since when it is empty: null.</li>
 * <li>Deletion is refused while a consumer's idle time is below {@code claim-min-idle}, the age after which the bus
 * treats a member as dead and takes its entries.</li>
 * </ul>
 */
public final class AbandonedStreamGroups {

    private final RedisStreamsClient client;
    private final long liveWithinMillis;
    private final long timeoutMillis;

    /**
     * @param liveWithinMillis a consumer active within this many ms is live ({@code claim-min-idle})
     * @param timeoutMillis    how long each command waits for Redis
     */
    public AbandonedStreamGroups(RedisStreamsClient client, long liveWithinMillis, long timeoutMillis) {
        this.client = client;
        this.liveWithinMillis = liveWithinMillis;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Milliseconds the group has had no live member, 0 while one reads; null when Redis cannot tell, or when the
     * group or stream went away since {@code XINFO GROUPS} listed it.
     */
    public Long idleMillis(String stream, StreamGroupInfo group) throws Exception {
        List<Consumer> consumers;
        try {
            consumers = consumers(stream, group.name());
        } catch (RedisCommandExecutionException e) {
            if (RedisStreamsClient.isNoGroup(e) || String.valueOf(e.getMessage()).contains("no such key")) {
                return null;
            }
            throw e;
        }
        if (!consumers.isEmpty()) {
            return consumers.stream().mapToLong(Consumer::idleMillis).min().getAsLong();
        }
        List<StreamMessage<String, byte[]>> unreceived = RedisStreamsClient.await(client.commands().xrange(stream,
                Range.from(Range.Boundary.excluding(group.lastDeliveredId()), Range.Boundary.unbounded()),
                Limit.from(1)), timeoutMillis);
        if (unreceived.isEmpty()) {
            return null;
        }
        long appended = StreamEntryId.parse(unreceived.get(0).getId()).millis();
        return Math.max(0, redisTimeMillis() - appended);
    }

    /**
     * {@code XGROUP DESTROY}, unless a consumer of the group was active within {@code claim-min-idle}; false when
     * the stream has no such group.
     */
    public boolean delete(String stream, String group) throws Exception {
        if (client.groups(stream, timeoutMillis).stream().noneMatch(g -> g.name().equals(group))) {
            return false;
        }
        for (Consumer consumer : consumers(stream, group)) {
            if (consumer.idleMillis() < liveWithinMillis) {
                throw new GroupInUseException("consumer group '" + group + "' of stream '" + stream
                        + "' has a live member: consumer '" + consumer.name() + "' was active " + consumer.idleMillis()
                        + " ms ago (less than claim-min-idle, " + liveWithinMillis + " ms); stop it first");
            }
        }
        return Boolean.TRUE.equals(RedisStreamsClient.await(client.commands().xgroupDestroy(stream, group),
                timeoutMillis));
    }

    private List<Consumer> consumers(String stream, String group) throws Exception {
        List<Consumer> consumers = new ArrayList<>();
        for (Object entry : RedisStreamsClient.await(client.commands().xinfoConsumers(stream, group), timeoutMillis)) {
            if (!(entry instanceof List<?> fields)) {
                continue;
            }
            String name = null;
            long idle = 0;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                switch (StreamGroupInfo.text(fields.get(i))) {
                    case "name" -> name = StreamGroupInfo.text(fields.get(i + 1));
                    case "idle" -> idle = Long.parseLong(StreamGroupInfo.text(fields.get(i + 1)));
                    default -> {
                        // pending and inactive are not needed
                    }
                }
            }
            consumers.add(new Consumer(name, idle));
        }
        return consumers;
    }

    /** Redis's clock, which stamped the entry ids: this machine's may differ. */
    private long redisTimeMillis() throws Exception {
        List<byte[]> time = RedisStreamsClient.await(client.commands().time(), timeoutMillis);
        return Long.parseLong(StreamGroupInfo.text(time.get(0))) * 1000
                + Long.parseLong(StreamGroupInfo.text(time.get(1))) / 1000;
    }

    private record Consumer(String name, long idleMillis) {
    }
}
