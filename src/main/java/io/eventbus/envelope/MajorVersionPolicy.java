package io.eventbus.envelope;

/**
 * What a consumer does with an event whose {@code schema_version} major has no schema registered while other
 * majors of the same event type do (the producer moved on, or this consumer is ahead).
 */
public enum MajorVersionPolicy {
    /** Log a warning and deliver the event, its {@code data} unchecked (the default: a consumer keeps working while producers move on). */
    WARN,
    /** Dead-letter the event with the reason. */
    REJECT
}
