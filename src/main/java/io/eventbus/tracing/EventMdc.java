package io.eventbus.tracing;

import org.slf4j.MDC;

/**
 * Puts the event being processed into the logging MDC ({@value #EVENT_ID}, {@value #EVENT_TYPE},
 * {@value #TRACE_ID}), so that every log line a route writes about it can be found by event or trace. A
 * {@code bus:} consumer opens it around handing a delivery to its route and closes it when the route returns the
 * thread; Camel's MDC support ({@code camel.main.use-mdc-logging=true} with
 * {@code camel.main.mdc-logging-keys-pattern} naming these keys, as the runtime configures it) carries the keys
 * onto the threads an asynchronous route continues on.
 */
public final class EventMdc implements AutoCloseable {

    public static final String EVENT_ID = "event_id";
    public static final String EVENT_TYPE = "event_type";
    public static final String TRACE_ID = "trace_id";

    private final String previousId;
    private final String previousType;
    private final String previousTrace;

    private EventMdc(String eventId, String eventType, String traceId) {
        previousId = MDC.get(EVENT_ID);
        previousType = MDC.get(EVENT_TYPE);
        previousTrace = MDC.get(TRACE_ID);
        set(EVENT_ID, eventId);
        set(EVENT_TYPE, eventType);
        set(TRACE_ID, traceId);
    }

    /** Sets the keys until {@link #close()}, which restores what the thread had before. */
    public static EventMdc open(String eventId, String eventType, String traceId) {
        return new EventMdc(eventId, eventType, traceId);
    }

    @Override
    public void close() {
        set(EVENT_ID, previousId);
        set(EVENT_TYPE, previousType);
        set(TRACE_ID, previousTrace);
    }

    private static void set(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
