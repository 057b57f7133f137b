package io.eventbus.tracing;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.opentelemetry.OpenTelemetryTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lineage and trace context across two hops of derived events on the in-memory transport: {@code orders} →
 * route {@code enrich} → {@code orders.enriched} → route {@code ship} → {@code orders.shipped}.
 */
class EventTracingTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final BlockingQueue<Exchange> enriched = new LinkedBlockingQueue<>();
    private final BlockingQueue<Exchange> shipped = new LinkedBlockingQueue<>();
    private final BlockingQueue<Map<String, String>> mdcSeen = new LinkedBlockingQueue<>();
    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    private void start(OpenTelemetrySdk openTelemetry) throws Exception {
        context = new DefaultCamelContext();
        context.setUseMDCLogging(true);
        context.setMDCLoggingKeysPattern("event_id,event_type,trace_id");
        if (openTelemetry != null) {
            OpenTelemetrySetup.bind(context, openTelemetry);
            new OpenTelemetryTracer().init(context);
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:orders?group=enrich").routeId("enrich")
                        .process(e -> mdcSeen.add(Map.copyOf(MDC.getCopyOfContextMap())))
                        .threads(1)
                        .process(e -> mdcSeen.add(Map.copyOf(MDC.getCopyOfContextMap())))
                        .process(e -> e.getMessage().setBody(Map.of("step", "enriched")))
                        .to("bus:orders.enriched?eventType=order_enriched");
                from("bus:orders.enriched?group=ship").routeId("ship")
                        .process(e -> enriched.add(e.copy()))
                        .process(e -> e.getMessage().setBody(Map.of("step", "shipped")))
                        .to("bus:orders.shipped?eventType=order_shipped");
                from("bus:orders.shipped?group=collect").routeId("collect")
                        .process(e -> shipped.add(e.copy()));
            }
        });
        context.start();
    }

    private static Envelope order() {
        return Envelope.create("order_placed", "shop", MAPPER.createObjectNode().put("sku", "A-1"));
    }

    @Test
    void derivedEventsCarryTraceAndRequestIdAndNameTheirParentAcrossTwoHops() throws Exception {
        start(null);
        Envelope placed = order();
        placed.setTraceId("trace-abc");
        placed.setRequestId("req-1");

        context.createProducerTemplate().sendBody("bus:orders", placed);

        Exchange atShip = enriched.poll(10, TimeUnit.SECONDS);
        Exchange atCollect = shipped.poll(10, TimeUnit.SECONDS);
        assertNotNull(atCollect, "the second-hop event arrived");
        Envelope first = atShip.getIn().getBody(Envelope.class);
        Envelope second = atCollect.getIn().getBody(Envelope.class);
        assertEquals(placed.getEventId(), first.getParentEventId(), "hop 1: parent is the consumed event");
        assertEquals(first.getEventId(), second.getParentEventId(), "hop 2: parent is the consumed event");
        for (Envelope derived : List.of(first, second)) {
            assertEquals("trace-abc", derived.getTraceId());
            assertEquals("req-1", derived.getRequestId());
        }
        for (Exchange consumed : List.of(atShip, atCollect)) {
            TraceParent header = TraceParent.parse(consumed.getIn().getHeader(TraceParent.HEADER, String.class));
            assertNotNull(header, "every consumed message carries a valid traceparent");
            assertEquals(TraceParent.traceIdOf("trace-abc"), header.traceId());
        }
    }

    @Test
    void anEventWithoutTraceIdStartsATraceItsDerivedEventsShare() throws Exception {
        start(null);
        context.createProducerTemplate().sendBody("bus:orders", order());

        Envelope first = enriched.poll(10, TimeUnit.SECONDS).getIn().getBody(Envelope.class);
        Envelope second = shipped.poll(10, TimeUnit.SECONDS).getIn().getBody(Envelope.class);
        assertTrue(first.getTraceId().matches("[0-9a-f]{32}"), "the bus stamped a W3C trace id: " + first.getTraceId());
        assertEquals(first.getTraceId(), second.getTraceId());
    }

    @Test
    void theConsumedEventIsInTheMdcOfTheRouteAlsoAfterAThreadHop() throws Exception {
        start(null);
        Envelope placed = order();
        placed.setTraceId("trace-mdc");

        context.createProducerTemplate().sendBody("bus:orders", placed);

        for (String where : List.of("on the consumer's thread", "after threads()")) {
            Map<String, String> mdc = mdcSeen.poll(10, TimeUnit.SECONDS);
            assertNotNull(mdc, where);
            assertEquals(placed.getEventId(), mdc.get(EventMdc.EVENT_ID), where);
            assertEquals("order_placed", mdc.get(EventMdc.EVENT_TYPE), where);
            assertEquals("trace-mdc", mdc.get(EventMdc.TRACE_ID), where);
        }
    }

    @Test
    void openTelemetrySpansOfEveryHopBelongToTheTraceTheEventsCarry() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build()) {
            start(openTelemetry);

            context.createProducerTemplate().sendBody("bus:orders", order());

            Exchange atCollect = shipped.poll(10, TimeUnit.SECONDS);
            assertNotNull(atCollect);
            Envelope second = atCollect.getIn().getBody(Envelope.class);
            String traceId = second.getTraceId();
            // the producer template's send, three consumers and two bus: producers: every one of them a span
            await().atMost(10, TimeUnit.SECONDS).until(() -> spans.getFinishedSpanItems().size() >= 6);
            List<SpanData> finished = spans.getFinishedSpanItems();
            Set<String> traces = finished.stream().map(SpanData::getTraceId).collect(Collectors.toSet());
            assertEquals(Set.of(traceId), traces, "one trace, the one the events carry: " + finished);
            assertEquals(traceId, enriched.poll().getIn().getBody(Envelope.class).getTraceId());
            assertEquals(traceId, TraceParent.parse(atCollect.getIn().getHeader(TraceParent.HEADER, String.class))
                    .traceId());
            assertEquals(atCollect.getIn().getHeader(BusConstants.EVENT_ID), second.getEventId());
        }
    }
}
