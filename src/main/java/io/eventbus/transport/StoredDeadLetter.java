package io.eventbus.transport;

/**
 * One entry of a dead-letter topic as the broker holds it.
 *
 * @param position where the broker keeps it, in the broker's terms: a Redis entry id ({@code 1700000000000-0}), a
 *                 Kafka {@code partition:offset}, the entry's place in a RabbitMQ queue or in-memory log when read
 * @param body     the dead letter's envelope JSON, as written
 */
public record StoredDeadLetter(String position, byte[] body) {
}
