/**
 * The RabbitMQ transport on Spring AMQP: an exchange per topic, a queue per consumer group, publisher confirms,
 * redelivery through retry queues, declared topology, and request-reply.
 */
package io.eventbus.transport.rabbitmq;
