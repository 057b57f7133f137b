package io.eventbus.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The topics and groups {@code eventbus stats} finds in route files, templated routes included. No broker needed. */
class ConfiguredTopicsTest {

    @TempDir
    Path routes;

    @Test
    void theFeaturesSampleNamesEveryStreamItsTemplatedSubscribersRead() throws Exception {
        ConfiguredTopics topics = ConfiguredTopics.of(Path.of("samples/features/routes"), Set.of(),
                UnaryOperator.identity());
        assertEquals(Map.of(
                "integrator.outbox", Set.of("integrator-publisher"),
                "sales-updates", Set.of("secretmagic-group"),
                "stock-updates", Set.of("secretmagic-group"),
                "bom-updates", Set.of("secretmagic-group"),
                "products-updates", Set.of("secretmagic-group"),
                "features-updates", Set.of("trainer-group"),
                "bom-exploded", Set.of("analytics-group")), topics.groupsByTopic());
    }

    @Test
    void aTemplatedRouteTakesItsParametersOrTheTemplatesDefaultsFromAnyFile() throws Exception {
        Files.writeString(routes.resolve("a-uses.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: reader
                    routeId: orders-reader
                    parameters:
                      - name: topic
                        value: orders
                - templatedRoute:
                    routeTemplateRef: reader
                    routeId: payments-reader
                    parameters:
                      - name: topic
                        value: payments
                      - name: group
                        value: billing
                - templatedRoute:
                    routeTemplateRef: missing-template
                    routeId: ignored
                """);
        Files.writeString(routes.resolve("z-templates.camel.yaml"), """
                - routeTemplate:
                    id: reader
                    parameters:
                      - name: topic
                      - name: group
                        defaultValue: "{{app.group}}"
                    route:
                      from:
                        uri: "bus:{{topic}}"
                        parameters:
                          group: "{{group}}"
                        steps:
                          - to: "bus:{{topic}}.seen"
                """);
        UnaryOperator<String> properties = text -> text.replace("{{app.group}}", "default-group");
        ConfiguredTopics topics = ConfiguredTopics.of(routes, Set.of(), properties);
        assertEquals(Map.of(
                "orders", Set.of("default-group"),
                "orders.seen", Set.of(),
                "payments", Set.of("billing"),
                "payments.seen", Set.of()), topics.groupsByTopic());
    }
}
