package io.eventbus.wireformat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/** What the wire-format ITs share: a bus over a broker with topics in a system's format, and the example messages. */
final class WireFormatITs {

    /** A Redis database of its own: streams keep the systems' names without meeting another test's or a sample's. */
    static final String REDIS = "redis://127.0.0.1:6379/9";

    private WireFormatITs() {
    }

    /** The bus's Redis settings for {@link #context}. */
    static Map<String, String> redis() {
        return Map.of("eventbus.transport", "redis", "eventbus.redis.uri", REDIS);
    }

    /** A Camel context whose bus uses the transport settings and gives the topics the format. */
    static CamelContext context(Map<String, String> transport, String format, String... topics) {
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(transport);
        for (String topic : topics) {
            props.put("eventbus.topics." + topic + ".format", format);
        }
        context.getPropertiesComponent().setInitialProperties(props);
        return context;
    }

    /** A system's example message as its document gives it (src/test/resources/wire-formats). */
    static String example(String file) throws IOException {
        try (InputStream in = WireFormatITs.class.getResourceAsStream("/wire-formats/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
