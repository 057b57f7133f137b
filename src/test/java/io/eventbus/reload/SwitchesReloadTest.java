package io.eventbus.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runtime switches: a subscriber and a publisher switched off and on again by editing the configuration file
 * while the application runs, losing no event.
 */
class SwitchesReloadTest {

    @TempDir
    Path dir;

    private CamelContext context;
    private ProducerTemplate template;
    private ConfigReloader reloader;
    private ReloadStatus status;
    private Path config;
    private final Set<String> consumed = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        config = Files.writeString(dir.resolve("app.properties"), "eventbus.transport = memory\n");
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + config);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:sales-updates?group=features").routeId("features")
                        .process(e -> consumed.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        context.start();
        template = context.createProducerTemplate();
        status = new ReloadStatus();
        reloader = new ConfigReloader(context, config, status, new SubscriberSwitches(Set.of()));
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aSubscriberSwitchedOffStopsConsumingAndCatchesUpWhenSwitchedOn() throws Exception {
        Files.writeString(config, "eventbus.transport = memory\neventbus.subscribers.features.enabled = false\n");
        reloader.scan();
        assertEquals(ServiceStatus.Stopped, context.getRouteController().getRouteStatus("features"));

        Set<String> published = publish(5);
        Thread.sleep(300); // a stopped route must stay idle; nothing to await
        assertEquals(Set.of(), consumed);

        Files.writeString(config, "eventbus.transport = memory\neventbus.subscribers.features.enabled = true\n");
        reloader.scan();
        await().atMost(Duration.ofSeconds(10)).until(() -> consumed.equals(published));
        assertEquals(2L, status.details().get("config_reloads"));
    }

    @Test
    void aPublisherSwitchedOffSendsNothingUntilSwitchedOn() throws Exception {
        Files.writeString(config, "eventbus.transport = memory\neventbus.publishers.sales-updates.enabled = false\n");
        reloader.scan();
        publish(4);
        assertEquals(4, context.getComponent("bus", BusComponent.class).getPublisherSwitches()
                .skippedCount("sales-updates"));

        Files.writeString(config, "eventbus.transport = memory\n");
        reloader.scan();
        Set<String> sent = publish(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> consumed.equals(sent));
    }

    @Test
    void anInvalidSwitchValueIsRefusedNamingTheKey() throws Exception {
        Files.writeString(config, "eventbus.transport = memory\neventbus.subscribers.enabled = sometimes\n");
        reloader.scan();
        assertEquals(1, status.failures());
        assertTrue(status.lastError().contains("eventbus.subscribers.enabled"), status.lastError());
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("features"));
    }

    private Set<String> publish(int n) {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < n; i++) {
            Envelope event = Envelope.create("sales_updated", "integrator", JsonNodeFactory.instance.objectNode());
            template.sendBody("bus:sales-updates", event);
            ids.add(event.getEventId());
        }
        return ids;
    }
}
