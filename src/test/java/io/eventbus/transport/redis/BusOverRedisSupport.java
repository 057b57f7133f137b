package io.eventbus.transport.redis;

import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
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

    /**
     * At-least-once publishing, as through a failover: a publish that failed (no master yet, too few replicas, a
     * timeout) is told to {@code failed} and sent again after 100 ms, up to 300 times.
     */
    static void publishUntilConfirmed(ProducerTemplate template, String endpoint, Envelope event,
            Consumer<RuntimeException> failed) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                template.sendBody(endpoint, event);
                return;
            } catch (RuntimeException e) {
                failed.accept(e);
                if (attempt > 300) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** The expected ids that are not among the actual ones, sorted. */
    static Set<String> missing(Set<String> expected, Set<String> actual) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        return missing;
    }
}
