package io.eventbus.transport.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.eventbus.transport.DeadLetterBrowse;
import io.eventbus.transport.DeadLetterSlice;
import io.eventbus.transport.DeadLetterSnapshot;
import io.eventbus.transport.DeadLetterStore;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.StoredDeadLetter;

/**
 * Dead letters of the in-memory transport: a browse copies the topic's log (under its lock, touching no group's
 * cursor or pending list); a removal marks the message's offset removed, so that no group receives it any more,
 * like {@code XDEL} on a Redis stream. Positions are log offsets. Like everything in memory, dead letters live as
 * long as the process.
 */
final class MemoryDeadLetterStore implements DeadLetterStore {

    private final Function<String, MemoryTopic> existingTopics;

    /** @param existingTopics the topic of a name, or null when it was never used */
    MemoryDeadLetterStore(Function<String, MemoryTopic> existingTopics) {
        this.existingTopics = existingTopics;
    }

    @Override
    public DeadLetterBrowse browse(String deadLetterTopic, int limit) {
        MemoryTopic topic = topic(deadLetterTopic);
        List<Map.Entry<Long, OutboundMessage>> read = topic.entries(limit + 1);
        boolean truncated = read.size() > limit;
        List<StoredDeadLetter> entries = new ArrayList<>();
        for (Map.Entry<Long, OutboundMessage> entry : read.subList(0, Math.min(limit, read.size()))) {
            entries.add(new StoredDeadLetter(String.valueOf(entry.getKey()), entry.getValue().body()));
        }
        return new DeadLetterSnapshot(entries, truncated) {
            @Override
            protected void removeAtBroker(StoredDeadLetter entry) {
                topic.remove(Long.parseLong(entry.position()));
            }
        };
    }

    /** Reads the page's entries alone, walking the log down from the cursor (an offset). */
    @Override
    public DeadLetterSlice newest(String deadLetterTopic, String before, int count, int browseLimit) {
        MemoryTopic topic = topic(deadLetterTopic);
        Long below;
        try {
            below = before == null ? null : Long.valueOf(before);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("before: expected an offset of the memory transport but was \""
                    + before + "\"");
        }
        List<Map.Entry<Long, OutboundMessage>> read = topic.newest(below, count + 1);
        List<DeadLetterSlice.Item> items = new ArrayList<>();
        for (Map.Entry<Long, OutboundMessage> entry : read.subList(0, Math.min(count, read.size()))) {
            String position = String.valueOf(entry.getKey());
            items.add(new DeadLetterSlice.Item(new StoredDeadLetter(position, entry.getValue().body()), position));
        }
        return new DeadLetterSlice(items, read.size() > count, topic.retained());
    }

    private MemoryTopic topic(String deadLetterTopic) {
        MemoryTopic topic = existingTopics.apply(deadLetterTopic);
        if (topic == null) {
            throw new IllegalArgumentException("no dead-letter topic " + deadLetterTopic + " on the memory transport "
                    + "(nothing was dead-lettered there in this process)");
        }
        return topic;
    }
}
