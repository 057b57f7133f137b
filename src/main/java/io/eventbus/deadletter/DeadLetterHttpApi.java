package io.eventbus.deadletter;

import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The dead-letter API over HTTP, on the runtime's management server beside {@code /observe/health} and
 * {@code /observe/metrics}: the operations of {@code eventbus dlq}, answering JSON as {@code eventbus dlq --json}
 * prints it.
 * <pre>
 * GET    /dlq/{topic}?size=20&amp;before=CURSOR&amp;[filters]   a page read server-side, newest first; "next" is
 *                                                  the cursor of the following page
 * GET    /dlq/{topic}?page=1&amp;size=20&amp;[filters]          numbered pages of up to browse-limit entries, newest first
 * GET    /dlq/{topic}/stats?[filters]                     counts by event_type and error_type
 * GET    /dlq/{topic}/events/{event_id}                   one dead letter in full (404 when there is none)
 * POST   /dlq/{topic}/replay?[filters]&amp;to=T&amp;rate=N&amp;dry_run=true
 * POST   /dlq/{topic}/purge?[filters]&amp;dry_run=true          purge; with no filter only with all=true
 * filters: id (repeatable), event_type, error_type, since, until (ISO-8601), grep (text in last_error)
 * </pre>
 * Reading is always allowed; replay and purge need the admin token and a request from no other origin
 * ({@link AdminAccess}: 403 when no token is configured or the origin is foreign, 401 without the right token),
 * because an event bus's dead letters are somebody's unfinished business. {@code DELETE /dlq/{topic}} answers 405:
 * purge is a POST. A bad parameter is a 400 naming it. The handlers are blocking (they talk to the broker), so they run on Vert.x's
 * worker threads, never on its event loop.
 */
public final class DeadLetterHttpApi {

    public static final String PATH = "/dlq";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final DeadLetters deadLetters;
    private final DeadLetterJson json;
    private final AdminAccess admin;

    public DeadLetterHttpApi(DeadLetters deadLetters, DeadLetterJson json, AdminAccess admin) {
        this.deadLetters = deadLetters;
        this.json = json;
        this.admin = admin;
    }

    /** Adds the API's routes to the router. */
    public void mount(Router router) {
        router.route(HttpMethod.GET, PATH + "/:topic").blockingHandler(ctx -> respond(ctx, () ->
                param(ctx, "page") == null
                        ? json.page(deadLetters.page(topic(ctx), filter(ctx), param(ctx, "before"),
                                positive(ctx, "size", 20)))
                        : json.page(deadLetters.list(topic(ctx), filter(ctx), positive(ctx, "page", 1),
                                positive(ctx, "size", 20)))), false);
        router.route(HttpMethod.GET, PATH + "/:topic/stats").blockingHandler(ctx -> respond(ctx, () ->
                json.stats(deadLetters.stats(topic(ctx), filter(ctx)))), false);
        router.route(HttpMethod.GET, PATH + "/:topic/events/:eventId").blockingHandler(ctx -> respond(ctx, () -> {
            ArrayNode all = MAPPER.createArrayNode();
            deadLetters.show(topic(ctx), ctx.pathParam("eventId")).forEach(letter -> all.add(json.full(letter)));
            return MAPPER.createObjectNode().put("topic", DeadLetters.deadLetterTopic(topic(ctx)))
                    .set("dead_letters", all);
        }), false);
        router.route(HttpMethod.POST, PATH + "/:topic/replay").blockingHandler(ctx -> respond(ctx, () -> {
            admin.check(ctx, "replay");
            return json.replay(deadLetters.replay(topic(ctx), filter(ctx), param(ctx, "to"),
                    number(ctx, "rate", 0), bool(ctx, "dry_run")));
        }), false);
        router.route(HttpMethod.DELETE, PATH + "/:topic").handler(ctx -> ctx.response().setStatusCode(405)
                .putHeader("Allow", "GET").putHeader("Content-Type", "application/json")
                .end(MAPPER.createObjectNode().put("error", "purge is POST " + PATH + "/{topic}/purge, with the "
                        + AdminAccess.TOKEN_HEADER + " header").toString() + "\n"));
        router.route(HttpMethod.POST, PATH + "/:topic/purge").blockingHandler(ctx -> respond(ctx, () -> {
            admin.check(ctx, "purge");
            DeadLetterFilter filter = filter(ctx);
            if (filter.selectsAll() && !bool(ctx, "all")) {
                throw new IllegalArgumentException("purge: no filter given; add all=true to purge every dead letter "
                        + "of the topic");
            }
            return json.purge(deadLetters.purge(topic(ctx), filter, bool(ctx, "dry_run")));
        }), false);
    }

    @FunctionalInterface
    private interface Answer {
        JsonNode get() throws Exception;
    }

    private static void respond(RoutingContext ctx, Answer answer) {
        int status;
        JsonNode body;
        try {
            body = answer.get();
            status = 200;
        } catch (IllegalArgumentException e) {
            status = 400;
            body = error(e);
        } catch (AdminAccess.Unauthenticated e) {
            status = 401;
            body = error(e);
        } catch (SecurityException e) {
            status = 403;
            body = error(e);
        } catch (NoSuchElementException e) {
            status = 404;
            body = error(e);
        } catch (Exception e) {
            status = 500;
            body = error(e);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body.toString() + "\n");
    }

    private static JsonNode error(Exception e) {
        return MAPPER.createObjectNode().put("error", e.getMessage() != null ? e.getMessage() : e.toString());
    }

    private static String topic(RoutingContext ctx) {
        return ctx.pathParam("topic");
    }

    private static DeadLetterFilter filter(RoutingContext ctx) {
        Set<String> ids = new LinkedHashSet<>(ctx.queryParam("id"));
        return new DeadLetterFilter(ids, param(ctx, "event_type"), param(ctx, "error_type"),
                DeadLetterFilter.parseTime("since", param(ctx, "since")),
                DeadLetterFilter.parseTime("until", param(ctx, "until")), param(ctx, "grep"));
    }

    private static String param(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        return value == null || value.isBlank() ? null : value;
    }

    private static boolean bool(RoutingContext ctx, String name) {
        String value = param(ctx, name);
        if (value == null) {
            return false;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(name + ": expected true or false but was \"" + value + "\"");
        }
        return Boolean.parseBoolean(value);
    }

    private static int positive(RoutingContext ctx, String name, int defaultValue) {
        double value = number(ctx, name, defaultValue);
        if (value < 1 || value != Math.rint(value) || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": expected a whole number of at least 1 but was \""
                    + param(ctx, name) + "\"");
        }
        return (int) value;
    }

    private static double number(RoutingContext ctx, String name, double defaultValue) {
        String value = param(ctx, name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected a number but was \"" + value + "\"");
        }
    }
}
