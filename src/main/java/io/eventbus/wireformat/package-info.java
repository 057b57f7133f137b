/**
 * Wire formats: what a topic's messages look like on the broker, and how they map to and from the
 * {@link io.eventbus.envelope.Envelope} routes work with.
 * <p>
 * {@code eventbus.topics.<topic>.format} chooses, per topic, {@code envelope} (the default), {@code cloudevents}, or
 * the name of a {@link WireMapping}: a declared correspondence between a system's own JSON and the envelope, so that
 * the system's producers and consumers stay as they are. {@link TopicFormats} resolves a topic's format;
 * {@link WireMappings} finds mapping files; {@link MappedFormat} is the engine that reads a native message into an
 * envelope and writes an envelope back in native form, changing only what the route changed.
 * <p>
 * The {@code bus} package calls this one when it decodes a delivery and encodes a publish; the transports never see
 * it: they carry bytes.
 */
package io.eventbus.wireformat;
