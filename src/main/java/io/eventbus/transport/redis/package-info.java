/**
 * The {@code redis} transport of the bus: Redis Streams behind the transport SPI, its settings
 * ({@code eventbus.redis.*}) and its dead-letter store, all on the Streams engine of {@code redis.streams}.
 */
package io.eventbus.transport.redis;
