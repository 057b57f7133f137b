package io.eventbus.tracing;

import java.util.Map;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Gives camel-opentelemetry ({@code camel.opentelemetry.enabled=true}) an OpenTelemetry SDK configured the standard
 * way, from the {@code OTEL_*} environment variables and {@code otel.*} system properties
 * ({@code OTEL_TRACES_EXPORTER=otlp|logging}, {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_SERVICE_NAME}, ...),
 * except that every exporter is off unless one is chosen: a bus that traces must not start sending spans to an
 * address nobody configured. The SDK's tracer and W3C propagators are bound in the Camel registry, where
 * camel-opentelemetry's tracer looks for them, and the SDK is flushed and closed when the context stops.
 */
public final class OpenTelemetrySetup extends ServiceSupport {

    /** Camel Main's switch for camel-opentelemetry. */
    public static final String ENABLED = "camel.opentelemetry.enabled";
    static final String INSTRUMENTATION_NAME = "camel-eventbus";

    private final OpenTelemetrySdk sdk;

    private OpenTelemetrySetup(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    /** Builds the SDK and binds its tracer and propagators in the context's registry before routes start. */
    public static void install(CamelContext context, String serviceName) {
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.traces.exporter", "none",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none",
                        "otel.service.name", serviceName))
                .disableShutdownHook() // Camel stops the context, and with it this service, in its own hook
                .build()
                .getOpenTelemetrySdk();
        bind(context, sdk);
        try {
            context.addService(new OpenTelemetrySetup(sdk), true, true);
        } catch (Exception e) {
            sdk.close();
            throw new IllegalStateException("cannot register the OpenTelemetry SDK with Camel: " + e.getMessage(), e);
        }
    }

    /** Binds a given OpenTelemetry's tracer and propagators, as {@link #install} does with the SDK it builds. */
    public static void bind(CamelContext context, OpenTelemetry openTelemetry) {
        context.getRegistry().bind("eventbusOpenTelemetryTracer", Tracer.class,
                openTelemetry.getTracer(INSTRUMENTATION_NAME));
        context.getRegistry().bind("eventbusOpenTelemetryPropagators", ContextPropagators.class,
                openTelemetry.getPropagators());
    }

    @Override
    protected void doStop() {
        sdk.close();
    }
}
