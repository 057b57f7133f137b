package io.eventbus.deadletter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private void start(boolean adminEnabled) throws Exception {
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
        new DeadLetterHttpApi(new DeadLetters(bus), new DeadLetterJson(bus.getValidator().codec()), adminEnabled)
                .mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String method, String path) throws Exception {
        HttpResponse<String> response = call(method, path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        return MAPPER.readTree(response.body());
    }

    @Test
    void listsPagesCountsAndShowsWithoutConsuming() throws Exception {
        start(false);

        JsonNode firstPage = ok("GET", "/dlq/orders?size=4");
        assertEquals(4, firstPage.path("dead_letters").size(), firstPage.toString());
        assertEquals("evt-9", firstPage.path("dead_letters").get(0).path("event_id").asText(), firstPage.toString());
        JsonNode lastPage = ok("GET", "/dlq/orders?size=4&page=3");
        assertEquals(2, lastPage.path("dead_letters").size(), lastPage.toString());

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
        start(false);

        HttpResponse<String> badTime = call("GET", "/dlq/orders?since=yesterday");
        assertEquals(400, badTime.statusCode());
        assertTrue(badTime.body().contains("since"), badTime.body());
        HttpResponse<String> badSize = call("GET", "/dlq/orders?size=0");
        assertEquals(400, badSize.statusCode());
        assertTrue(badSize.body().contains("size"), badSize.body());
        HttpResponse<String> unknown = call("GET", "/dlq/orders/events/nope");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("nope"), unknown.body());
        HttpResponse<String> replay = call("POST", "/dlq/orders/replay?event_type=order_paid");
        assertEquals(403, replay.statusCode());
        assertTrue(replay.body().contains(DeadLetterHttpApi.ADMIN_ENABLED), replay.body());
        assertEquals(403, call("DELETE", "/dlq/orders?event_type=order_paid").statusCode());

        assertEquals(10, ok("GET", "/dlq/orders?size=100").path("dead_letters").size(), "nothing changed");
    }

    @Test
    void withAdminEnabledReplaysAndPurgesByFilter() throws Exception {
        start(true);

        JsonNode dryRun = ok("POST", "/dlq/orders/replay?event_type=order_paid&dry_run=true");
        assertTrue(dryRun.toString().contains("evt-7"), dryRun.toString());
        assertEquals(10, ok("GET", "/dlq/orders?size=100").path("dead_letters").size(), "a dry run changes nothing");

        ok("POST", "/dlq/orders/replay?event_type=order_paid&to=orders.retried");
        assertEquals(6, ok("GET", "/dlq/orders?size=100").path("dead_letters").size(), "the replayed left the DLQ");

        HttpResponse<String> everything = call("DELETE", "/dlq/orders");
        assertEquals(400, everything.statusCode(), "purging everything needs all=true");
        assertTrue(everything.body().contains("all=true"), everything.body());
        ok("DELETE", "/dlq/orders?id=evt-0&id=evt-1");
        assertEquals(4, ok("GET", "/dlq/orders?size=100").path("dead_letters").size());
        ok("DELETE", "/dlq/orders?all=true");
        assertEquals(0, ok("GET", "/dlq/orders?size=100").path("dead_letters").size());
    }
}
