/**
 * Redis Streams: the {@code redis-streams:} Camel component, the {@code redis} transport on the same machinery (on one
 * server, or on the master Redis Sentinel names), retention that never trims what a group still needs, publishes that
 * wait for replicas, and an idempotent repository in Redis.
 */
package io.eventbus.transport.redis;
