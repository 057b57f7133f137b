package io.eventbus.transport.redis.component;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultConsumer;

import io.eventbus.transport.Delivery;
import io.eventbus.transport.redis.streams.RedisStreamsClient;
import io.eventbus.transport.redis.streams.RedisStreamsConfiguration;
import io.eventbus.transport.redis.streams.StreamGroupMember;

/**
 * Consumes a stream as one member of a consumer group through a {@link StreamGroupMember}. Each entry becomes an
 * exchange whose body is the body field's bytes, with the {@link RedisStreamsConstants} headers; the entry is
 * acknowledged when the exchange completes and left pending, to be delivered again after {@code redeliveryDelay},
 * when it fails. Failures also go to the consumer's exception handler.
 */
public class RedisStreamsConsumer extends DefaultConsumer {

    private final RedisStreamsEndpoint endpoint;
    private StreamGroupMember reader;

    public RedisStreamsConsumer(RedisStreamsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    public RedisStreamsEndpoint getEndpoint() {
        return endpoint;
    }

    /** The group reader, once started: its stream, group and consumer name, and its backlog. */
    public StreamGroupMember getReader() {
        return reader;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        RedisStreamsConfiguration configuration = endpoint.getConfiguration().copy();
        if (configuration.getGroup() == null) {
            configuration.setGroup(getRouteId());
        }
        RedisStreamsClient client = endpoint.getComponent().client();
        reader = new StreamGroupMember(endpoint.getCamelContext(), client, endpoint.getStream(), configuration,
                this::onDelivery);
        reader.start();
        RedisStreamsConsumerHealthCheck check = new RedisStreamsConsumerHealthCheck(this, client, reader);
        check.setEnabled(endpoint.getComponent().isHealthCheckConsumerEnabled());
        setHealthCheck(check);
    }

    @Override
    protected void doStop() throws Exception {
        setHealthCheck(null);
        if (reader != null) {
            reader.stop();
            reader = null;
        }
        super.doStop();
    }

    private void onDelivery(Delivery delivery) {
        Exchange exchange = createExchange(false);
        Message in = exchange.getIn();
        in.setBody(delivery.body());
        in.setHeader(RedisStreamsConstants.STREAM, endpoint.getStream());
        in.setHeader(RedisStreamsConstants.ENTRY_ID, delivery.id());
        in.setHeader(RedisStreamsConstants.GROUP, reader.group());
        in.setHeader(RedisStreamsConstants.CONSUMER, reader.consumerName());
        in.setHeader(RedisStreamsConstants.DELIVERY_COUNT, delivery.deliveryCount());
        in.setHeader(RedisStreamsConstants.FIELDS, delivery.headers());
        exchange.getExchangeExtension().addOnCompletion(new Settlement(delivery));
        getAsyncProcessor().process(exchange, doneSync -> {
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("Processing entry " + delivery.id() + " of stream "
                        + endpoint.getStream() + " failed; it stays pending and will be delivered again", exchange,
                        exchange.getException());
            }
            releaseExchange(exchange, false);
        });
    }

    /** Acknowledges the entry when the exchange completes, leaves it pending for redelivery when it fails. */
    private static final class Settlement implements Synchronization {
        private final Delivery delivery;

        Settlement(Delivery delivery) {
            this.delivery = delivery;
        }

        @Override
        public void onComplete(Exchange exchange) {
            delivery.ack();
        }

        @Override
        public void onFailure(Exchange exchange) {
            delivery.reject();
        }
    }
}
