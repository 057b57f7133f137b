package io.eventbus.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.BusConsumer;
import io.eventbus.bus.BusEndpoint;
import io.eventbus.deadletter.AdminAccess;
import io.eventbus.reload.ReloadStatus;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;

/**
 * The operator console on the management HTTP server:
 * <pre>
 * GET /console                 the page (index.html, console.js, console.css from the jar's console/ folder)
 * GET /console/api/overview    topics (transport, length, DLQ depth, groups with lag, pending, members), routes
 *                              (state, from, uptime), hot reload (counts, the last refusal's file:line) and whether
 *                              replay and purge are possible at all (an admin token is configured)
 * </pre>
 * The dead letters the page shows, replays and purges are the dead-letter API's ({@code /dlq}); this class adds
 * only reading. The topics are those of the application's {@code bus:} endpoints (dead-letter and parked topics
 * shown as their source topic's DLQ depth), with the groups its consumers read in; each is asked of its broker at
 * every request, on a worker thread, and a broker that fails shows its error on that topic alone.
 */
public final class OperatorConsole {

    public static final String PATH = "/console";
    private static final Map<String, String> ASSETS = Map.of("index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8", "console.css", "text/css; charset=utf-8");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final CamelContext context;
    private final BusComponent bus;
    private final ReloadStatus reload;
    private final AdminAccess admin;

    public OperatorConsole(CamelContext context, BusComponent bus, ReloadStatus reload, AdminAccess admin) {
        this.context = context;
        this.bus = bus;
        this.reload = reload;
        this.admin = admin;
    }

    /** Adds the page and its overview to the router. */
    public void mount(Router router) {
        // Vert.x matches /console and /console/ alike: the page's relative links need the slash
        router.route(HttpMethod.GET, PATH).handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                asset(ctx, "index.html");
            } else {
                ctx.redirect(PATH + "/");
            }
        });
        router.route(HttpMethod.GET, PATH + "/api/overview").blockingHandler(this::overview, false);
        router.route(HttpMethod.GET, PATH + "/:asset").handler(ctx -> asset(ctx, ctx.pathParam("asset")));
    }

    private void asset(RoutingContext ctx, String name) {
        String type = ASSETS.get(name);
        if (type == null) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        try (InputStream in = OperatorConsole.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                ctx.response().setStatusCode(404).end();
                return;
            }
            // the page sets no third-party origin anywhere: forbid framing and foreign scripts outright
            ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Frame-Options", "DENY").putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
                    .end(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            ctx.response().setStatusCode(500).end();
        }
    }

    private void overview(RoutingContext ctx) {
        ObjectNode json = MAPPER.createObjectNode().put("admin", admin.enabled());
        ArrayNode topics = json.putArray("topics");
        topics().forEach((topic, groups) -> topics.add(topic(topic, groups)));
        ArrayNode routes = json.putArray("routes");
        for (Route route : context.getRoutes()) {
            ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
            routes.addObject().put("id", route.getRouteId()).put("from", route.getEndpoint().getEndpointUri())
                    .put("state", status == null ? "Unknown" : status.name())
                    .put("uptime_ms", route.getUptimeMillis());
        }
        json.set("reload", MAPPER.valueToTree(reload.details()));
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(json.toString());
    }

    private ObjectNode topic(String topic, Set<String> groups) {
        ObjectNode json = MAPPER.createObjectNode().put("topic", topic);
        try {
            Transport transport = bus.transportFor(topic);
            json.put("transport", transport.name());
            TopicStats stats = transport.stats(topic, groups);
            json.set("length", MAPPER.valueToTree(stats.length()));
            ArrayNode list = json.putArray("groups");
            for (TopicStats.GroupStats group : stats.groups()) {
                ObjectNode g = list.addObject().put("group", group.group());
                g.set("lag", MAPPER.valueToTree(group.lag()));
                g.set("pending", MAPPER.valueToTree(group.pending()));
                g.set("consumers", MAPPER.valueToTree(group.consumers()));
            }
            json.set("dlq_length", MAPPER.valueToTree(transport.stats(DeadLetterTopics.deadLetterTopicOf(topic),
                    Set.of()).length()));
        } catch (Exception e) {
            json.put("error", e.getMessage() != null ? e.getMessage() : e.toString());
        }
        return json;
    }

    /** Topic to groups: every {@code bus:} endpoint's topic, with the groups of its started consumers. */
    private Map<String, Set<String>> topics() {
        Map<String, Set<String>> topics = new TreeMap<>();
        for (Endpoint endpoint : context.getEndpoints()) {
            // bus:dlq names no topic: it writes to the dead-letter topic of whichever topic an event failed on
            if (endpoint instanceof BusEndpoint bus && !DeadLetterTopics.OF_SOURCE.equals(bus.getTopic())) {
                String topic = DeadLetterTopics.sourceTopicOf(bus.getTopic());
                topics.computeIfAbsent(topic, t -> new TreeSet<>());
            }
        }
        for (Route route : context.getRoutes()) {
            // a consumer of a dead-letter topic (the run summary's counter) shows as its source topic's DLQ depth
            if (route.getConsumer() instanceof BusConsumer consumer && consumer.getGroup() != null
                    && consumer.getEndpoint().getTopic().equals(DeadLetterTopics.sourceTopicOf(
                            consumer.getEndpoint().getTopic()))) {
                topics.computeIfAbsent(consumer.getEndpoint().getTopic(), t -> new TreeSet<>())
                        .add(consumer.getGroup());
            }
        }
        return topics;
    }
}
