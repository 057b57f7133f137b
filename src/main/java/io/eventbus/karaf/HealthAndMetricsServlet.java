package io.eventbus.karaf;

import java.io.IOException;
import java.util.Collection;
import java.util.Comparator;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import io.eventbus.bus.BusComponent;
import io.eventbus.observability.BusObservability;

/**
 * Health and Prometheus metrics of the bus in Karaf, on Karaf's HTTP service (the {@code http} feature, port 8181 by
 * default), since Camel Main's management server, which serves them for {@code eventbus run}, does not run in OSGi:
 * <ul>
 * <li>{@code /eventbus/health}, {@code /eventbus/health/live}, {@code /eventbus/health/ready}: Camel's health checks
 * (the transports, the consumers, hot reload) as JSON, {@code 200} when all are UP, else {@code 503};</li>
 * <li>{@code /eventbus/metrics}: the bus's meters in Prometheus's text format.</li>
 * </ul>
 * While the bus is not running (no configuration yet, or a start that failed), health answers DOWN with {@code 503}.
 */
final class HealthAndMetricsServlet extends HttpServlet {

    static final String ALIAS = "/eventbus";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient KarafEventBus bus;

    HealthAndMetricsServlet(KarafEventBus bus) {
        this.bus = bus;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        CamelContext context = bus.context();
        switch (path) {
            case "/health" -> health(response, context, context == null ? null : HealthCheckHelper.invoke(context));
            case "/health/live" -> health(response, context,
                    context == null ? null : HealthCheckHelper.invokeLiveness(context));
            case "/health/ready" -> health(response, context,
                    context == null ? null : HealthCheckHelper.invokeReadiness(context));
            case "/metrics" -> metrics(response, context);
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND,
                    "not found: " + ALIAS + path + " (try " + ALIAS + "/health or " + ALIAS + "/metrics)");
        }
    }

    private static void health(HttpServletResponse response, CamelContext context,
            Collection<HealthCheck.Result> results) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        boolean up = results != null && results.stream().allMatch(r -> r.getState() == HealthCheck.State.UP);
        body.put("status", up ? "UP" : "DOWN");
        if (results == null) {
            body.put("message", "the event bus is not running: see Karaf's log");
        } else {
            ArrayNode checks = body.putArray("checks");
            results.stream().sorted(Comparator.comparing(r -> r.getCheck().getId())).forEach(result -> {
                ObjectNode check = checks.addObject();
                check.put("name", result.getCheck().getId());
                check.put("status", result.getState().name());
                result.getMessage().ifPresent(message -> check.put("message", message));
                if (!result.getDetails().isEmpty()) {
                    check.set("data", JSON.valueToTree(result.getDetails()));
                }
            });
        }
        response.setStatus(up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    }

    private static void metrics(HttpServletResponse response, CamelContext context) throws IOException {
        if (context == null) {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the event bus is not running");
            return;
        }
        MeterRegistry registry = BusObservability.of(context.getComponent("bus", BusComponent.class)).metrics()
                .registry();
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "the bus's meter registry is no Prometheus registry");
            return;
        }
        response.setContentType("text/plain; version=0.0.4");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(prometheus.scrape());
    }
}
