/**
 * The {@code redis-streams:} Camel component on the Streams engine, for routes that talk to Redis Streams without
 * the bus's envelope, and a Camel idempotent repository in Redis.
 */
package io.eventbus.transport.redis.component;
