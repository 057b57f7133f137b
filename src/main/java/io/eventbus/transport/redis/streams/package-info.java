/**
 * The Redis Streams engine under both the {@code redis} transport and the {@code redis-streams:} component: Lettuce
 * connections (one server, or the master Redis Sentinel names), consumer-group members that read, claim and
 * acknowledge, publishing with retention that never trims what a group still needs, and waiting for replicas.
 */
package io.eventbus.transport.redis.streams;
