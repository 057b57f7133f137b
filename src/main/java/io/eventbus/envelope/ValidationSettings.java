package io.eventbus.envelope;

/**
 * How strict the bus is with events.
 *
 * @param maxBytes           the largest encoded envelope accepted, in bytes ({@code eventbus.envelope.max-bytes},
 *                           default 1 MiB)
 * @param majorVersionPolicy what to do with an unregistered major version
 *                           ({@code eventbus.schema.major-version-policy}, default {@code warn})
 * @param requireRegistered  reject event types with no registered schema
 *                           ({@code eventbus.schema.require-registered}, default false)
 */
public record ValidationSettings(int maxBytes, MajorVersionPolicy majorVersionPolicy, boolean requireRegistered) {

    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

    public ValidationSettings {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("eventbus.envelope.max-bytes must be > 0 but was " + maxBytes);
        }
        if (majorVersionPolicy == null) {
            throw new IllegalArgumentException("eventbus.schema.major-version-policy must be warn or reject");
        }
    }

    public static ValidationSettings defaults() {
        return new ValidationSettings(DEFAULT_MAX_BYTES, MajorVersionPolicy.WARN, false);
    }
}
