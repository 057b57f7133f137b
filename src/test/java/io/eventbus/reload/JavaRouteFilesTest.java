package io.eventbus.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
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
 * Java DSL route files ({@code *.java}) in the route folder, compiled as they load: they run from the start, a
 * changed file replaces its routes while events flow without losing one (compiled again under the same class name),
 * a file that does not compile is refused with the compiler's message and line while the old routes keep running,
 * and a deleted file's routes stop. Events are counted by id: the set processed is the set published.
 */
class JavaRouteFilesTest {

    /** Where the test's routes record what they processed: version and event id. */
    static final List<String> PROCESSED = new CopyOnWriteArrayList<>();
    /** Events the publisher of a test may have published and the routes not yet processed. */
    static volatile Semaphore backlog = new Semaphore(50);

    @TempDir
    Path routes;

    private CamelContext context;
    private ProducerTemplate template;
    private RouteReloader reloader;
    private ReloadStatus status;
    private final Set<String> published = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        PROCESSED.clear();
        backlog = new Semaphore(50);
        write("Forward.java", forward("v1"));
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
    void aJavaRouteFileLoadsAtStartAndItsRouteRunsEvents() {
        assertNotNull(context.getRoute("forward"));
        assertEquals(routes.resolve("Forward.java").toAbsolutePath().normalize(), reloader.fileOf("forward"));

        publish(20);

        awaitEveryPublishedEventProcessed();
        assertEquals(List.of("v1"), versions());
    }

    @Test
    void aChangedJavaFileReplacesItsRouteWhileEventsFlowAndNoneIsLost() throws Exception {
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread publisher = new Thread(() -> {
            try {
                while (publishing.get()) {
                    backlog.acquire(); // paced by the route: a bounded backlog, whatever the compiler's speed
                    publish(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "java-route-publisher");
        publisher.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> PROCESSED.size() >= 10);
            write("Forward.java", forward("v2"));
            reloader.scan();
            int atV2 = PROCESSED.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> PROCESSED.size() >= atV2 + 10);
            // the same class name compiled a third time: each compile has a class loader of its own
            write("Forward.java", forward("v3"));
            reloader.scan();
            int atV3 = PROCESSED.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> PROCESSED.size() >= atV3 + 10);
        } finally {
            publishing.set(false);
            publisher.join();
        }

        awaitEveryPublishedEventProcessed();
        assertEquals(published.size(), PROCESSED.size(), "each event processed once");
        assertEquals(List.of("v1", "v2", "v3"), versions());
        assertEquals(2, status.reloads());
        assertEquals(0, status.failures(), String.valueOf(status.lastError()));
    }

    @Test
    void aJavaFileThatDoesNotCompileIsRefusedWithTheCompilersMessageAndLineAndTheOldRouteKeepsRunning()
            throws Exception {
        String broken = forward("v2").replace(".setHeader(", ".setHeadr(");
        write("Forward.java", broken);
        reloader.scan();

        assertEquals(1, status.failures());
        int line = lineOf(broken, ".setHeadr(");
        assertEquals(line, status.details().get("last_error_line"), status.details().toString());
        assertTrue(status.lastError().startsWith(routes.resolve("Forward.java") + ":" + line
                + ": does not compile: cannot find symbol (symbol: method setHeadr("), status.lastError());
        publish(5);
        awaitEveryPublishedEventProcessed();
        assertEquals(List.of("v1"), versions());

        // fixed: applied as any change
        write("Forward.java", forward("v2"));
        reloader.scan();
        publish(5);
        awaitEveryPublishedEventProcessed();
        assertEquals(List.of("v1", "v2"), versions());
        assertEquals(1, status.reloads());
    }

    @Test
    void aJavaRouteWithoutRouteIdIsRefusedSayingSo() throws Exception {
        write("Forward.java", forward("v2").replace(".routeId(\"forward\")", ""));
        reloader.scan();

        assertTrue(status.lastError().contains("a route without an id (from bus:java.in): give every route an id, "
                + ".routeId(\"...\") after from(...),"), status.lastError());
        publish(3);
        awaitEveryPublishedEventProcessed();
        assertEquals(List.of("v1"), versions());
    }

    @Test
    void aNewJavaFileAddsItsRouteAndADeletedOneStopsIt() throws Exception {
        write("Extra.java", """
                import org.apache.camel.builder.RouteBuilder;

                public class Extra extends RouteBuilder {
                    @Override
                    public void configure() {
                        from("bus:java.extra").routeId("extra")
                                .setHeader("version", constant("extra"))
                                .bean("recorder", "record");
                    }
                }
                """);
        reloader.scan();
        assertNotNull(context.getRoute("extra"));
        publish("bus:java.extra", 5);
        awaitEveryPublishedEventProcessed();
        assertEquals(List.of("extra"), versions());

        Files.delete(routes.resolve("Extra.java"));
        Files.delete(routes.resolve("Forward.java"));
        reloader.scan();

        assertNull(context.getRoute("extra"));
        assertNull(context.getRoute("forward"));
        assertNull(reloader.fileOf("forward"));
        assertEquals(3, status.reloads());
        assertEquals(0, status.failures(), String.valueOf(status.lastError()));
    }

    @Test
    void aJavaFileThatDoesNotCompileFailsTheStartWithFileAndLine() throws Exception {
        String broken = forward("v1").replace("class Forward", "class Broken").replace("\"forward\"", "\"broken\"")
                .replace(".to(\"bus:java.out\")", ".to(Topics.OUT)");
        write("Broken.java", broken);
        RouteReloader fresh = new RouteReloader(new DefaultCamelContext(), routes, new ReloadStatus(),
                new SubscriberSwitches(Set.of()));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, fresh::loadAll);

        int line = lineOf(broken, "Topics.OUT");
        assertTrue(e.getMessage().startsWith(routes.resolve("Broken.java") + ":" + line
                + ": does not compile: cannot find symbol (symbol: variable Topics"), e.getMessage());
    }

    /** A Java DSL route file whose route marks each event with {@code version}. */
    private static String forward(String version) {
        return """
                import org.apache.camel.builder.RouteBuilder;

                /** Records every event it forwards, with the version of this file. */
                public class Forward extends RouteBuilder {
                    @Override
                    public void configure() {
                        from("bus:java.in").routeId("forward")
                                .setHeader("version", constant("%s"))
                                .bean("recorder", "record")
                                .to("bus:java.out");
                    }
                }
                """.formatted(version);
    }

    private static int lineOf(String source, String text) {
        String[] lines = source.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in the source");
    }

    private void awaitEveryPublishedEventProcessed() {
        await().atMost(Duration.ofSeconds(30)).until(() -> processedIds().equals(published));
    }

    private Set<String> processedIds() {
        Set<String> ids = new HashSet<>();
        PROCESSED.forEach(p -> ids.add(p.substring(p.indexOf(' ') + 1)));
        return ids;
    }

    /** The versions that processed events, in the order they first did. */
    private static List<String> versions() {
        List<String> versions = new ArrayList<>();
        PROCESSED.forEach(p -> {
            String version = p.substring(0, p.indexOf(' '));
            if (!versions.contains(version)) {
                versions.add(version);
            }
        });
        return versions;
    }

    private void publish(int n) {
        publish("bus:java.in", n);
    }

    private void publish(String uri, int n) {
        for (int i = 0; i < n; i++) {
            Envelope event = Envelope.create("java_route_event", "test", JsonNodeFactory.instance.objectNode());
            published.add(event.getEventId());
            template.sendBody(uri, event);
        }
    }

    private void write(String name, String content) throws Exception {
        Files.writeString(routes.resolve(name), content);
    }

    /** The bean the test routes call. */
    public static final class Recorder {
        public void record(Exchange exchange) {
            PROCESSED.add(exchange.getIn().getHeader("version") + " " + exchange.getIn().getHeader("EventId"));
            backlog.release();
        }
    }
}
