package io.eventbus.transport.redis;

import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

import io.eventbus.envelope.Envelope;

/** Camel contexts whose bus: runs on a given Redis, and test events for them. */
final class BusOverRedisSupport {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BusOverRedisSupport() {
    }

    static CamelContext context(String uri, String... extraProperties) {
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "redis");
        props.put("eventbus.redis.uri", uri);
        for (int i = 0; i + 1 < extraProperties.length; i += 2) {
            props.put(extraProperties[i], extraProperties[i + 1]);
        }
        context.getPropertiesComponent().setInitialProperties(props);
        return context;
    }

    static Envelope event(int n) {
        ObjectNode data = MAPPER.createObjectNode().put("n", n);
        return Envelope.create("redis_it_event", "redis-it", data);
    }
}
