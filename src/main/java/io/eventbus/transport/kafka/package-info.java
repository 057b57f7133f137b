/**
 * The Kafka transport on kafka-clients: a topic per bus topic, Kafka consumer groups, offsets committed only
 * after the work, per-partition ordering, and dead-letter browsing through a compacted settlement log.
 */
package io.eventbus.transport.kafka;
