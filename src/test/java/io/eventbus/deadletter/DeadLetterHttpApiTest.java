package io.eventbus.deadletter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.DeadLetterPublisher;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.FatalException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dead-letter API over real HTTP (a Vert.x server on a free port, as the management server's router), over
 * dead letters on the in-memory transport: 6 of type {@code order_placed} failing with a FatalException and 4 of
 * {@code order_paid} with an IllegalStateException.
 */
class DeadLetterHttpApiTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private CamelContext context;
    private Vertx vertx;
    private int port;

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (context != null) {
            context.stop();
        }
    }

    private static final String TOKEN = "s3cret-token";

    /** @param token the admin token configured, or null */
    private void start(String token) throws Exception {
        context = new DefaultCamelContext();
        context.start();
        BusComponent bus = context.getComponent("bus", BusComponent.class);
        DeadLetterPublisher publisher = bus.getDeadLetterPublisher();
        for (int i = 0; i < 10; i++) {
            boolean placed = i < 6;
            Envelope event = Envelope.create(placed ? "order_placed" : "order_paid", "shop",
                    MAPPER.createObjectNode().put("n", i));
            event.setEventId("evt-" + i);
            event.setPublishedAt("2026-11-30T12:00:0" + i + "Z"); // as consumed: the bus set it on publish
            Exception cause = placed ? new FatalException("no such sku " + i) : new IllegalStateException("ledger down");
            publisher.deadLetter(event, "orders", "orders.dlq", cause, "stage-" + i, 0);
        }
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new DeadLetterHttpApi(new DeadLetters(bus), new DeadLetterJson(bus.getValidator().codec()),
                new AdminAccess(token))
                .mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    private HttpResponse<String> call(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String method, String path, String... headers) throws Exception {
        HttpResponse<String> response = call(method, path, headers);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        return MAPPER.readTree(response.body());
    }

    @Test
    void listsPagesCountsAndShowsWithoutConsuming() throws Exception {
        start(null);

        JsonNode firstPage = ok("GET", "/dlq/orders?size=4");
        assertEquals(4, firstPage.path("dead_letters").size(), firstPage.toString());
        assertEquals("evt-9", firstPage.path("dead_letters").get(0).path("event_id").asText(), firstPage.toString());
        assertEquals(10, firstPage.path("total").asInt(), firstPage.toString());
        assertEquals(4, firstPage.path("scanned").asInt(), "only the page was read: " + firstPage);
        JsonNode secondPage = ok("GET", "/dlq/orders?size=4&before=" + firstPage.path("next").asText());
        assertEquals("evt-5", secondPage.path("dead_letters").get(0).path("event_id").asText(), secondPage.toString());
        JsonNode thirdPage = ok("GET", "/dlq/orders?size=4&before=" + secondPage.path("next").asText());
        assertEquals(2, thirdPage.path("dead_letters").size(), thirdPage.toString());
        assertTrue(thirdPage.path("next").isNull(), "no page after the last: " + thirdPage);
        JsonNode lastPage = ok("GET", "/dlq/orders?size=4&page=3");
        assertEquals(2, lastPage.path("dead_letters").size(), lastPage.toString());

        JsonNode paid = ok("GET", "/dlq/orders?size=3&event_type=order_placed");
        assertEquals(List.of("evt-5", "evt-4", "evt-3"), ids(paid));
        assertEquals(List.of("evt-2", "evt-1", "evt-0"), ids(ok("GET", "/dlq/orders?size=3&event_type=order_placed"
                + "&before=" + paid.path("next").asText())));

        JsonNode stats = ok("GET", "/dlq/orders/stats");
        assertTrue(stats.toString().contains("\"order_placed\":6"), stats.toString());
        assertTrue(stats.toString().contains("\"order_paid\":4"), stats.toString());
        assertTrue(stats.toString().contains("\"FatalException\":6"), stats.toString());
        assertTrue(stats.toString().contains("\"IllegalStateException\":4"), stats.toString());

        JsonNode filtered = ok("GET", "/dlq/orders?event_type=order_paid&grep=LEDGER");
        assertEquals(4, filtered.path("dead_letters").size(), filtered.toString());

        JsonNode shown = ok("GET", "/dlq/orders/events/evt-3");
        assertEquals(1, shown.path("dead_letters").size());
        assertTrue(shown.toString().contains("no such sku 3"), shown.toString());

        assertEquals(10, ok("GET", "/dlq/orders?size=100").path("dead_letters").size(), "browsing consumed nothing");
    }

    @Test
    void badParametersUnknownIdsAndDisabledAdminOperationsGetPreciseErrors() throws Exception {
        start(null);

        HttpResponse<String> badTime = call("GET", "/dlq/orders?since=yesterday");
        assertEquals(400, badTime.statusCode());
        assertTrue(badTime.body().contains("since"), badTime.body());
        HttpResponse<String> badSize = call("GET", "/dlq/orders?size=0");
        assertEquals(400, badSize.statusCode());
        assertTrue(badSize.body().contains("size"), badSize.body());
        HttpResponse<String> unknown = call("GET", "/dlq/orders/events/nope");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("nope"), unknown.body());
        HttpResponse<String> badCursor = call("GET", "/dlq/orders?before=x");
        assertEquals(400, badCursor.statusCode(), badCursor.body());
        assertTrue(badCursor.body().contains("before"), badCursor.body());
        HttpResponse<String> replay = call("POST", "/dlq/orders/replay?event_type=order_paid",
                AdminAccess.TOKEN_HEADER, "guess");
        assertEquals(403, replay.statusCode(), "no token configured: refused whatever the request carries");
        assertTrue(replay.body().contains(AdminAccess.TOKEN_KEY), replay.body());
        assertEquals(403, call("POST", "/dlq/orders/purge?event_type=order_paid").statusCode());
        HttpResponse<String> delete = call("DELETE", "/dlq/orders?event_type=order_paid");
        assertEquals(405, delete.statusCode(), "purge is a POST");
        assertTrue(delete.body().contains("/purge"), delete.body());

        assertEquals(10, ok("GET", "/dlq/orders?size=100").path("dead_letters").size(), "nothing changed");
    }

    @Test
    void withTheTokenReplaysAndPurgesByFilter() throws Exception {
        start(TOKEN);
        String[] admin = {AdminAccess.TOKEN_HEADER, TOKEN};

        HttpResponse<String> noToken = call("POST", "/dlq/orders/purge?all=true");
        assertEquals(401, noToken.statusCode(), noToken.body());
        assertTrue(noToken.body().contains(AdminAccess.TOKEN_HEADER), noToken.body());
        assertEquals(401, call("POST", "/dlq/orders/purge?all=true", AdminAccess.TOKEN_HEADER, "wrong").statusCode());
        HttpResponse<String> forged = call("POST", "/dlq/orders/purge?all=true", AdminAccess.TOKEN_HEADER, TOKEN,
                "Origin", "http://evil.example");
        assertEquals(403, forged.statusCode(), "a page of another origin is refused even with the token");
        assertTrue(forged.body().contains("another origin"), forged.body());
        assertEquals(10, ok("GET", "/dlq/orders?size=100").path("dead_letters").size(), "nothing changed");

        JsonNode dryRun = ok("POST", "/dlq/orders/replay?event_type=order_paid&dry_run=true", admin);
        assertTrue(dryRun.toString().contains("evt-7"), dryRun.toString());
        assertEquals(10, ok("GET", "/dlq/orders?size=100").path("dead_letters").size(), "a dry run changes nothing");

        ok("POST", "/dlq/orders/replay?event_type=order_paid&to=orders.retried", "Origin",
                "http://127.0.0.1:" + port, admin[0], admin[1]);
        assertEquals(6, ok("GET", "/dlq/orders?size=100").path("dead_letters").size(), "the replayed left the DLQ");

        HttpResponse<String> everything = call("POST", "/dlq/orders/purge", admin);
        assertEquals(400, everything.statusCode(), "purging everything needs all=true");
        assertTrue(everything.body().contains("all=true"), everything.body());
        ok("POST", "/dlq/orders/purge?id=evt-0&id=evt-1", admin);
        assertEquals(4, ok("GET", "/dlq/orders?size=100").path("dead_letters").size());
        ok("POST", "/dlq/orders/purge?all=true", admin);
        assertEquals(0, ok("GET", "/dlq/orders?size=100").path("dead_letters").size());
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new java.util.ArrayList<>();
        page.path("dead_letters").forEach(letter -> ids.add(letter.path("event_id").asText()));
        return ids;
    }
}
