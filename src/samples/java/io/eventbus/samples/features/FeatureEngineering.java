package io.eventbus.samples.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;

/**
 * The feature service's (SecretMagic) stage: an integrator's {@code sales_updated}, {@code stock_updated} or
 * {@code products_updated} event becomes a {@code features_updated} event for the same client, a
 * {@code bom_updated} event a {@code bom_exploded} one. The real service reads and writes StarRocks; the sample
 * computes nothing but keeps the event notification pattern: the derived event names the client, its consumers read
 * the data by {@code client_id}. The body and the {@code EventType} header become the derived event, so the routing
 * table sends it to its stream; the bus stamps {@code parent_event_id} and {@code trace_id} when it is published.
 */
public final class FeatureEngineering implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public void process(Exchange exchange) {
        Envelope event = exchange.getIn().getBody(Envelope.class);
        JsonNode clientId = event.getExtensions().get("client_id");
        ObjectNode data = MAPPER.createObjectNode();
        data.set("client_id", clientId);
        Envelope derived;
        if ("bom_updated".equals(event.getEventType())) {
            data.put("exploded_components", 12);
            derived = event.derive("bom_exploded", data);
        } else {
            data.put("source_table", event.getData().path("table_name").asText(event.getEventType()));
            data.put("features_count", 42);
            data.putArray("feature_types").add("ema").add("ma").add("std").add("lags").add("seasonality");
            derived = event.derive("features_updated", data);
        }
        derived.setSource("secretmagic");
        if (clientId != null) {
            derived.getExtensions().put("client_id", clientId);
        }
        exchange.getIn().setBody(derived);
        exchange.getIn().setHeader(BusConstants.EVENT_TYPE, derived.getEventType());
    }
}
