/**
 * Trace context: trace ids, the W3C {@code traceparent} carried on every message, the logging MDC of an event, and
 * the OpenTelemetry set-up.
 */
package io.eventbus.tracing;
