/**
 * Protection of an event's {@code data} on the wire: compression ({@link io.eventbus.protection.Compression}) and
 * AES-256-GCM encryption with rotating keys ({@link io.eventbus.protection.DataKeys}), per topic
 * ({@link io.eventbus.protection.TopicProtections}), sealed and opened by
 * {@link io.eventbus.protection.DataProtection}.
 * <p>
 * The {@code wireformat} package seals what a topic writes and opens what it reads, so every transport gets it
 * without knowing it; the envelope's other fields stay readable for routing and the dead-letter tools.
 */
package io.eventbus.protection;
