package io.eventbus.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hot reload of route files while events flow: a good change replaces the routes without losing an event, a broken
 * one is refused with file, line and reason while the old routes keep running.
 */
class RouteReloaderTest {

    /** Where the test's routes record what they processed, by version. */
    static final List<String> PROCESSED = new CopyOnWriteArrayList<>();
    static volatile CountDownLatch slowStarted = new CountDownLatch(1);

    @TempDir
    Path routes;

    private CamelContext context;
    private ProducerTemplate template;
    private RouteReloader reloader;
    private ReloadStatus status;

    @BeforeEach
    void start() throws Exception {
        PROCESSED.clear();
        write("forward.camel.yaml", forward("v1"));
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.setProperty("eventbus.transport", "memory");
        context.getPropertiesComponent().setInitialProperties(props);
        context.getRegistry().bind("recorder", new Recorder());
        status = new ReloadStatus();
        reloader = new RouteReloader(context, routes, status, new SubscriberSwitches(Set.of()));
        reloader.loadAll();
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aChangedFileReplacesItsRoutesAndNoEventIsLost() throws Exception {
        publish(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> PROCESSED.size() == 10);

        write("forward.camel.yaml", forward("v2"));
        reloader.scan();
        publish(10);

        await().atMost(Duration.ofSeconds(10)).until(() -> PROCESSED.size() == 20);
        assertEquals(10, PROCESSED.stream().filter(p -> p.startsWith("v1")).count());
        assertEquals(10, PROCESSED.stream().filter(p -> p.startsWith("v2")).count());
        assertEquals(1, status.reloads());
        assertEquals(0, status.failures());
    }

    @Test
    void inFlightEventsFinishOnTheOldRoute() throws Exception {
        write("forward.camel.yaml", forward("v1").replace("- bean: {ref: recorder, method: record}",
                "- bean: {ref: recorder, method: slow}"));
        reloader.scan();
        slowStarted = new CountDownLatch(1);
        publish(1);
        assertTrue(slowStarted.await(10, TimeUnit.SECONDS));

        write("forward.camel.yaml", forward("v2"));
        reloader.scan(); // waits for the in-flight event: graceful stop of the old route
        publish(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> PROCESSED.size() == 2);
        assertTrue(PROCESSED.get(0).startsWith("v1 slow"), PROCESSED.toString());
        assertTrue(PROCESSED.get(1).startsWith("v2"), PROCESSED.toString());
    }

    @Test
    void brokenYamlIsRefusedWithFileAndLineAndTheOldRoutesKeepRunning() throws Exception {
        write("forward.camel.yaml", forward("v2").replace("steps:", "steps: [unclosed"));
        reloader.scan();

        assertEquals(1, status.failures());
        assertTrue(status.lastError().startsWith(routes.resolve("forward.camel.yaml") + ":"), status.lastError());
        assertNotNull(status.details().get("last_error_line"), status.details().toString());
        assertStillV1();
    }

    @Test
    void anUnknownEndpointIsRefusedNamingTheRouteLineAndEndpoint() throws Exception {
        write("forward.camel.yaml", forward("v2").replace("- to: bus:reload.out", "- to: nosuch:thing"));
        reloader.scan();

        assertEquals(1, status.failures());
        assertTrue(status.lastError().contains("nosuch://thing"), status.lastError());
        assertTrue(status.lastError().contains("route: forward"), status.lastError());
        assertEquals(1, status.details().get("last_error_line"), status.details().toString());
        assertStillV1();
        assertNull(context.getRoute("eventbus-reload-check-forward"), "the trial route is gone");
    }

    @Test
    void aBadExpressionIsRefused() throws Exception {
        write("forward.camel.yaml", forward("v2").replace("constant: v2", "simple: \"${header.broken\""));
        reloader.scan();

        assertEquals(1, status.failures());
        assertTrue(status.lastError().contains("${header.broken"), status.lastError());
        assertStillV1();
    }

    @Test
    void aRouteWithoutIdIsRefusedBecauseReloadCouldNotTellWhatItReplaces() throws Exception {
        write("forward.camel.yaml", forward("v2").replace("    id: forward\n", ""));
        reloader.scan();

        assertTrue(status.lastError().contains("a route without an id"), status.lastError());
        assertStillV1();
    }

    @Test
    void aNewFileAddsItsRoutesAndADeletedFileRemovesThem() throws Exception {
        write("extra.camel.yaml", """
                - route:
                    id: extra
                    from:
                      uri: bus:reload.extra
                      steps:
                        - setHeader: {name: version, constant: extra}
                        - bean: {ref: recorder, method: record}
                """);
        reloader.scan();
        assertNotNull(context.getRoute("extra"));
        template.sendBody("bus:reload.extra", event());
        await().atMost(Duration.ofSeconds(10)).until(() -> PROCESSED.size() == 1);

        Files.delete(routes.resolve("extra.camel.yaml"));
        reloader.scan();
        assertNull(context.getRoute("extra"));
        assertEquals(2, status.reloads());
    }

    @Test
    void aBrokenFileAtStartFailsTheStartNamingTheFile() throws Exception {
        write("zz-broken.camel.yaml", "- route: [\n");
        RouteReloader fresh = new RouteReloader(new DefaultCamelContext(), routes, new ReloadStatus(),
                new SubscriberSwitches(Set.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, fresh::loadAll);
        assertTrue(e.getMessage().startsWith(routes.resolve("zz-broken.camel.yaml") + ":"), e.getMessage());
    }

    @Test
    void routesMadeFromTemplatesRunFromTheStartAndAreReplacedWithTheirFile() throws Exception {
        context.stop();
        // the template sorts after the file that uses it: templated routes are added once every template is known
        write("a-uses.camel.yaml", templated("t1"));
        write("z-templates.camel.yaml", """
                - routeTemplate:
                    id: versioned
                    parameters:
                      - name: in
                      - name: version
                    route:
                      from:
                        uri: "bus:{{in}}"
                        steps:
                          - setHeader: {name: version, constant: "{{version}}"}
                          - bean: {ref: recorder, method: record}
                """);
        context = new DefaultCamelContext();
        context.getRegistry().bind("recorder", new Recorder());
        reloader = new RouteReloader(context, routes, status, new SubscriberSwitches(Set.of()));
        reloader.loadAll();
        context.start();
        template = context.createProducerTemplate();
        assertEquals(routes.resolve("a-uses.camel.yaml").toAbsolutePath().normalize(), reloader.fileOf("made"));

        template.sendBody("bus:reload.templated", event());
        await().atMost(Duration.ofSeconds(10)).until(() -> PROCESSED.size() == 1);
        write("a-uses.camel.yaml", templated("t2"));
        reloader.scan();
        template.sendBody("bus:reload.templated", event());

        await().atMost(Duration.ofSeconds(10)).until(() -> PROCESSED.size() == 2);
        assertTrue(PROCESSED.get(0).startsWith("t1 "), PROCESSED.toString());
        assertTrue(PROCESSED.get(1).startsWith("t2 "), PROCESSED.toString());
        assertEquals(0, status.failures(), String.valueOf(status.lastError()));
        assertNotNull(context.getRoute("made"));

        // a subscriber switched off stays off when its file is reloaded
        context.getPropertiesComponent().addInitialProperty("eventbus.subscribers.made.enabled", "false");
        write("a-uses.camel.yaml", templated("t3"));
        reloader.scan();
        assertEquals(ServiceStatus.Stopped, context.getRouteController().getRouteStatus("made"));
    }

    @Test
    void aTemplatedRouteWithoutIdIsRefused() throws Exception {
        write("forward.camel.yaml", forward("v2") + """
                - routeTemplate:
                    id: anonymous-template
                    route:
                      from:
                        uri: bus:reload.anonymous
                        steps:
                          - to: bus:reload.out
                - templatedRoute:
                    routeTemplateRef: anonymous-template
                """);
        reloader.scan();

        assertTrue(status.lastError().contains("a templated route without a routeId"), status.lastError());
        assertStillV1();
    }

    private static String templated(String version) {
        return """
                - templatedRoute:
                    routeTemplateRef: versioned
                    routeId: made
                    parameters:
                      - name: in
                        value: reload.templated
                      - name: version
                        value: %s
                """.formatted(version);
    }

    private void assertStillV1() throws Exception {
        publish(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> PROCESSED.size() == 3);
        assertTrue(PROCESSED.stream().allMatch(p -> p.startsWith("v1")), PROCESSED.toString());
    }

    private static String forward(String version) {
        return """
                - route:
                    id: forward
                    from:
                      uri: bus:reload.in
                      steps:
                        - setHeader: {name: version, constant: %s}
                        - bean: {ref: recorder, method: record}
                        - to: bus:reload.out
                """.formatted(version);
    }

    private void publish(int n) {
        for (int i = 0; i < n; i++) {
            template.sendBody("bus:reload.in", event());
        }
    }

    private static Envelope event() {
        return Envelope.create("reload_event", "test", JsonNodeFactory.instance.objectNode());
    }

    private void write(String name, String content) throws Exception {
        Files.writeString(routes.resolve(name), content);
    }

    /** The bean the test routes call. */
    public static final class Recorder {
        public void record(org.apache.camel.Exchange exchange) {
            PROCESSED.add(exchange.getIn().getHeader("version") + " " + exchange.getIn().getHeader("EventId"));
        }

        public void slow(org.apache.camel.Exchange exchange) throws InterruptedException {
            slowStarted.countDown();
            Thread.sleep(1000);
            PROCESSED.add(exchange.getIn().getHeader("version") + " slow " + exchange.getIn().getHeader("EventId"));
        }
    }
}
