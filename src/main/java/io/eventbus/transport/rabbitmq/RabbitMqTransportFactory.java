package io.eventbus.transport.rabbitmq;

import org.apache.camel.CamelContext;

import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportFactory;

/**
 * Creates the RabbitMQ transport ({@code eventbus.transport=rabbitmq}) from the {@code eventbus.rabbitmq.*} keys:
 * connection ({@code uri}, {@code vhost}, {@code username}, {@code password}, {@code tls}), consumption
 * ({@code prefetch}, {@code queue-type}, {@code redelivery}, {@code max-priority}, {@code message-ttl}), publishing
 * ({@code publish-timeout}, {@code channel-cache-size}), recovery ({@code recovery-interval}) and the declared
 * topology ({@code topology.*}). A broker that is down at start is not an error: the transport connects when it
 * comes up; a topology the broker refuses is.
 */
public final class RabbitMqTransportFactory implements TransportFactory {

    @Override
    public Transport create(CamelContext context, EventBusProperties properties) throws Exception {
        RabbitMqSettings settings = RabbitMqSettings.from(properties);
        return new RabbitMqTransport(context, settings, RabbitMqTopology.from(properties, settings));
    }
}
