package io.eventbus.transport.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportFactory;

/**
 * Creates the Kafka transport from the {@code eventbus.kafka.*} keys (see {@link KafkaSettings} and
 * docs/transports/kafka.md). Native client properties come from every property source Camel loads.
 */
public final class KafkaTransportFactory implements TransportFactory {

    @Override
    public Transport create(CamelContext context, EventBusProperties settings) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Map<String, String> passThrough = new HashMap<>();
        // initial properties (set by code) first, the loaded property sources over them, as Camel resolves keys
        if (properties instanceof org.apache.camel.component.properties.PropertiesComponent component) {
            collect(component.getInitialProperties(), passThrough);
        }
        collect(properties.loadProperties(key -> key.startsWith(KafkaSettings.PREFIX)), passThrough);
        return new KafkaTransport(context, KafkaSettings.read(settings, passThrough));
    }

    private static void collect(Properties from, Map<String, String> into) {
        if (from == null) {
            return;
        }
        for (String key : from.stringPropertyNames()) {
            if (key.startsWith(KafkaSettings.PREFIX)) {
                into.put(key, from.getProperty(key).trim());
            }
        }
    }
}
