package io.eventbus.transport.memory;

import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

import io.eventbus.transport.ConfigKey;

/**
 * The in-memory transport's {@code eventbus.memory.*} settings, options of the {@code bus} component. An event a
 * consumer group has not acknowledged is never dropped: a full topic makes publishers wait, then fail with
 * {@link MemoryTopicFullException} naming the group. A topic no group consumes keeps only its newest events.
 */
@UriParams
public class MemorySettings {

    /** Events retained per in-memory topic. */
    @UriParam(label = "memory", defaultValue = "10000")
    @ConfigKey(value = "eventbus.memory.capacity", min = 1)
    private int memoryCapacity = 10000;

    /** Milliseconds a publish to a full in-memory topic waits for room before failing. */
    @UriParam(label = "memory", defaultValue = "5000")
    @ConfigKey("eventbus.memory.publish-timeout")
    private long memoryPublishTimeout = 5000;

    public int getMemoryCapacity() {
        return memoryCapacity;
    }

    public void setMemoryCapacity(int memoryCapacity) {
        this.memoryCapacity = memoryCapacity;
    }

    public long getMemoryPublishTimeout() {
        return memoryPublishTimeout;
    }

    public void setMemoryPublishTimeout(long memoryPublishTimeout) {
        this.memoryPublishTimeout = memoryPublishTimeout;
    }
}
