/**
 * Redis Streams: the {@code redis-streams:} Camel component, the {@code redis} transport on the same machinery,
 * retention that never trims what a group still needs, and an idempotent repository in Redis.
 */
package io.eventbus.transport.redis;
