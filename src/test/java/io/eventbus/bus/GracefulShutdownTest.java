package io.eventbus.bus;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.Delivery;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.ForwardingDelivery;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;
import io.eventbus.transport.TransportHealth;
import io.eventbus.transport.TransportProducer;
import io.eventbus.transport.memory.MemoryTransport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping the context (what SIGTERM does through Camel Main) lets in-flight events finish and be acknowledged,
 * and acknowledges nothing that was not processed; events not yet taken stay at the broker.
 */
class GracefulShutdownTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "default error handler", "bus dead-letter channel" })
    void inFlightEventsFinishAndAreAcknowledgedOnStop(String errorHandler) throws Exception {
        Set<String> acked = ConcurrentHashMap.newKeySet();
        Set<String> rejected = ConcurrentHashMap.newKeySet();
        Set<String> started = ConcurrentHashMap.newKeySet();
        Set<String> finished = ConcurrentHashMap.newKeySet();
        CountDownLatch threeInFlight = new CountDownLatch(3);

        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("eventbus-transport-memory",
                new RecordingTransport(new MemoryTransport(context, 1000, 1000), acked, rejected));
        Properties props = new Properties();
        props.putAll(Map.of("eventbus.transport", "memory"));
        context.getPropertiesComponent().setInitialProperties(props);
        context.getShutdownStrategy().setTimeout(20);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                if (errorHandler.startsWith("bus")) {
                    errorHandler(EventBusErrorHandler.deadLetterChannel());
                }
                from("bus:slow?group=workers&concurrency=3").routeId("slow").process(e -> {
                    String id = e.getIn().getBody(Envelope.class).getEventId();
                    started.add(id);
                    threeInFlight.countDown();
                    Thread.sleep(1500);
                    finished.add(id);
                });
            }
        });
        context.start();
        ProducerTemplate template = context.createProducerTemplate();
        for (int i = 0; i < 20; i++) {
            template.sendBody("bus:slow", Envelope.create("slow_event", "test", JsonNodeFactory.instance.objectNode()));
        }
        assertTrue(threeInFlight.await(10, TimeUnit.SECONDS), "three events in flight");

        context.stop();

        assertEquals(started, finished, "every event taken was processed to the end");
        assertEquals(finished, acked, "exactly the processed events were acknowledged");
        assertEquals(Set.of(), rejected, "nothing failed on the way down");
        assertTrue(acked.size() >= 3 && acked.size() < 20, "the rest stayed at the broker: acked " + acked.size());
    }

    /** The memory transport, recording how each delivery was settled. */
    private record RecordingTransport(Transport delegate, Set<String> acked, Set<String> rejected) implements Transport {

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public TransportProducer bindProducer(String topic) {
            return delegate.bindProducer(topic);
        }

        @Override
        public TransportConsumer bindConsumer(String topic, ConsumerBinding binding, DeliveryHandler handler) {
            return delegate.bindConsumer(topic, binding, delivery -> handler.onDelivery(new RecordingDelivery(delivery)));
        }

        @Override
        public TopicStats stats(String topic, Set<String> groups) throws Exception {
            return delegate.stats(topic, groups);
        }

        @Override
        public TransportHealth health() {
            return delegate.health();
        }

        @Override
        public void close() {
            delegate.close();
        }

        private final class RecordingDelivery extends ForwardingDelivery {

            RecordingDelivery(Delivery delivery) {
                super(delivery);
            }

            private String eventId() {
                return delegate().header("event_id");
            }

            @Override
            public void ack() {
                acked.add(eventId());
                super.ack();
            }

            @Override
            public void reject() {
                rejected.add(eventId());
                super.reject();
            }
        }
    }

}
