package io.eventbus.bus;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.observability.BusMetrics;
import io.eventbus.observability.BusObservability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Middleware added to every {@code bus:} consumer by configuration and the registry, without touching the routes:
 * order, what the route sees, a middleware refusing an event, and the built-in {@code metrics} middleware.
 */
class BusMiddlewareTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void namedAndRegisteredMiddlewaresWrapEveryConsumerInOrder() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        Audit audit = new Audit("audit", calls);
        Audit unnamed = new Audit("unnamed", calls);
        start(Map.of("eventbus.middleware", "logging, audit, metrics"), Map.of("audit", audit, "zz-unnamed", unnamed));
        List<String> seenByRoute = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:mw.orders?group=shop").routeId("shop")
                        .process(e -> seenByRoute.add(e.getIn().getHeader("AuditedBy", String.class)));
            }
        });
        ProducerTemplate template = context.createProducerTemplate();
        template.sendBody("bus:mw.orders", event("order_placed"));
        template.sendBody("bus:mw.orders", event("order_placed"));
        await().atMost(WAIT).until(() -> calls.size() == 8);

        assertEquals(List.of("unnamed", "unnamed"), seenByRoute, "the last middleware's header reaches the route");
        assertEquals(List.of("before audit", "before unnamed", "after unnamed ok", "after audit ok"),
                calls.subList(0, 4), "named ones first, registry ones after; after() in reverse order");
        BusMetrics metrics = BusObservability.of(context.getComponent("bus", BusComponent.class)).metrics();
        Timer processing = metrics.registry().find(BusMetrics.PROCESSING)
                .tags(Tags.of("topic", "mw.orders", "group", "shop", "route", "shop", "outcome", "completed"))
                .timer();
        assertEquals(2, processing.count());
    }

    @Test
    void aMiddlewareThatThrowsFailsTheDeliveryWithoutCallingTheRoute() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        Audit audit = new Audit("audit", calls);
        BusMiddleware refuseForbidden = new BusMiddleware() {
            @Override
            public void before(Exchange exchange) {
                if ("forbidden".equals(exchange.getIn().getHeader(BusConstants.EVENT_TYPE))) {
                    throw new IllegalStateException("forbidden events are refused");
                }
            }
        };
        start(Map.of("eventbus.middleware", "audit,refuse"), Map.of("audit", audit, "refuse", refuseForbidden));
        List<String> seenByRoute = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:mw.guarded?group=g&redeliveryDelay=10&maxDeliveries=2").routeId("guarded")
                        .process(e -> seenByRoute.add(e.getIn().getHeader(BusConstants.EVENT_TYPE, String.class)));
            }
        });
        ProducerTemplate template = context.createProducerTemplate();
        template.sendBody("bus:mw.guarded", event("forbidden"));
        template.sendBody("bus:mw.guarded", event("allowed"));
        BusMetrics metrics = BusObservability.of(context.getComponent("bus", BusComponent.class)).metrics();
        await().atMost(WAIT).until(() -> metrics.sum(BusMetrics.DEAD_LETTERED, Tags.of("topic", "mw.guarded")) == 1
                && seenByRoute.size() == 1);

        assertEquals(List.of("allowed"), seenByRoute);
        assertEquals(2, metrics.sum(BusMetrics.FAILED, Tags.of("topic", "mw.guarded", "event_type", "forbidden")),
                "two deliveries refused, the third dead-lettered by maxDeliveries");
        assertEquals(2, calls.stream().filter(c -> c.equals("after audit failed")).count(),
                "after() runs for middlewares whose before() ran");
    }

    @Test
    void anUnknownMiddlewareNameFailsTheConsumerNamingTheKey() throws Exception {
        start(Map.of("eventbus.middleware", "logging,tracing"), Map.of());
        // the route's consumer fails to start; the cause names the key and the missing bean
        Exception failure = assertThrows(Exception.class, () -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:mw.any").routeId("any").log("never");
            }
        }));
        String message = rootMessage(failure);
        assertTrue(message.contains("eventbus.middleware: no middleware named 'tracing' (built in: logging, metrics; "
                + "else the name of a bean of type io.eventbus.bus.BusMiddleware, and there is no such bean)"),
                message);
    }

    private void start(Map<String, String> properties, Map<String, Object> beans) {
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(props);
        beans.forEach(context.getRegistry()::bind);
        context.start();
        context.getComponent("bus", BusComponent.class);
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }

    private static Envelope event(String type) {
        return Envelope.create(type, "middleware-test", MAPPER.createObjectNode().put("n", 1));
    }

    /** Records its calls and stamps the exchange with its name, as an auditing middleware would. */
    private static final class Audit implements BusMiddleware {
        private final String name;
        private final List<String> calls;

        Audit(String name, List<String> calls) {
            this.name = name;
            this.calls = calls;
        }

        @Override
        public void before(Exchange exchange) {
            calls.add("before " + name);
            exchange.getIn().setHeader("AuditedBy", name);
        }

        @Override
        public void after(Exchange exchange) {
            calls.add("after " + name + (exchange.isFailed() ? " failed" : " ok"));
        }
    }
}
