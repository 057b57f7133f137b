package io.eventbus.wireformat;

import java.time.Clock;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.SchemaRegistry;
import io.eventbus.envelope.ValidationSettings;
import io.eventbus.transport.EventBusProperties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicFormatsTest {

    private static TopicFormats formats(String... keyValues) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        context.getPropertiesComponent().setInitialProperties(properties);
        return new TopicFormats(new EventBusProperties(context), new EnvelopeValidator(new EnvelopeCodec(),
                new SchemaRegistry(), ValidationSettings.defaults()), Clock.systemUTC());
    }

    @Test
    void aTopicHasItsConfiguredFormatAndItsDeadLettersTheEnvelopeUnlessConfiguredToo() {
        TopicFormats formats = formats("eventbus.topics.events.free-food.format", "free-food",
                "eventbus.topics.events.free-food.dlq.format", "free-food", "eventbus.topics.orders.format", "cloudevents");
        assertEquals("free-food", formats.forTopic("events.free-food").name());
        assertTrue(formats.forTopic("events.free-food").isMapped());
        assertSame(formats.forTopic("events.free-food"), formats.forTopic("events.free-food.dlq"));
        assertEquals("envelope", formats.forTopic("events.free-food.parked").name());
        assertEquals("cloudevents", formats.forTopic("orders").name());
        assertEquals("envelope", formats.forTopic("orders.dlq").name());
        assertEquals("envelope", formats.forTopic("anything.else").name());
    }

    @Test
    void anUnknownFormatFailsNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> formats("eventbus.topics.t.format", "fre-food").forTopic("t"));
        assertEquals("eventbus.topics.t.format: no wire format mapping \"fre-food\": looked for fre-food.yaml in "
                + "classpath:wireformats", e.getMessage());
    }
}
