package io.eventbus.transport;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;

/** A context that must not start, for the tests of refused credentials and certificates. */
public final class FailedStart {

    private FailedStart() {
    }

    /**
     * Starts the context with one consumer of {@code topic}, which must fail, and stops it; returns every message of
     * the failure's cause chain, one per line, each after its exception's simple name.
     */
    public static String messagesOf(CamelContext context, String topic) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g").routeId("refused-consumer").log("never");
            }
        });
        try {
            Exception failure = assertThrows(Exception.class, context::start);
            StringBuilder messages = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
            }
            return messages.toString();
        } finally {
            context.stop();
        }
    }
}
