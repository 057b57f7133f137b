package io.eventbus.transport.redis.streams;

/**
 * What a stream's {@code maxLen} means. Redis's own {@code MAXLEN} and {@code MINID} trim whatever consumer groups
 * still need; neither mode here ever does.
 */
public enum RetentionMode {

    /**
     * A goal: the stream is trimmed towards {@code maxLen} (and {@code maxAge}) only past what every consumer group
     * has read and acknowledged, so a lagging group makes it grow, and that is reported ({@link SafeStreamTrimmer}).
     */
    TARGET,

    /**
     * A hard limit: a publish that would need to drop an entry some group has not read or acknowledged is refused
     * with a retryable error naming the group ({@link CappedAppend}); publishers are held back instead.
     */
    CAP
}
