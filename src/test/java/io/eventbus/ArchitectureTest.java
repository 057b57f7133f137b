package io.eventbus;

import java.util.ArrayList;
import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture of the bus, read from its bytecode: the packages in layers, each depending only on layers below
 * it, and no cycle between packages.
 * <p>
 * {@link #LAYERS} is the one place that states the order. Packages on one row are siblings: they depend on rows below,
 * never on each other (the four transports know the SPI, not one another). A new package has to be given a row
 * here, or {@link #everyPackageHasALayer} fails.
 */
class ArchitectureTest {

    /** Top to bottom; names are packages under {@code io.eventbus}, a trailing {@code ..} takes subpackages too. */
    static final List<List<String>> LAYERS = List.of(
            // the two ways the bus runs: the eventbus command line (run, publish, consume, stats, dlq, groups,
            // validate) and the bundle's activator in Karaf
            List.of("runtime", "karaf"),
            // the operator console on eventbus run's HTTP server: topics, groups, routes, reload and dead letters
            List.of("console"),
            // used by both: hot reload of route files and configuration, safe while events flow; a JSONL file fed
            // to a topic and the summary of what became of its events
            List.of("reload", "feed"),
            // the sample applications' beans, run from the jar
            List.of("samples.."),
            // tools over the bus: meters and gauges (a BusPlugin); dead letters listed, replayed and purged
            List.of("observability", "deadletter"),
            // the routing table a route uses to send events to topics
            List.of("routing"),
            // the Camel component bus:, its consumer and producer, dead-letter writing; finds plug-ins, knows no tool
            List.of("bus"),
            // the transports, each knowing only the SPI; and the redis-streams: Camel component
            List.of("transport.memory", "transport.redis", "transport.rabbitmq", "transport.kafka",
                    "transport.redis.component"),
            // the Redis Streams engine under the redis transport and the redis-streams: component
            List.of("transport.redis.streams"),
            // the default error handler of routes, and the failure classification
            List.of("errorhandling"),
            // wire formats: a topic's messages as the envelope, CloudEvents or a system's own JSON through a mapping
            List.of("wireformat"),
            // compression and encryption of an event's data, per topic; sealed and opened by the wire formats
            List.of("protection"),
            // the event envelope: codec, validation, schemas
            List.of("envelope"),
            // the transport SPI: Transport, Delivery, the dead-letter store, dead-letter topic names, error classes
            List.of("transport"),
            // trace ids and W3C traceparent, MDC
            List.of("tracing"));

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.eventbus");

    @Test
    void packagesDependOnlyOnLayersBelowThem() {
        layers().check(CLASSES);
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching("io.eventbus.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void everyPackageHasALayer() {
        ArchRule rule = classes().that().resideInAPackage("io.eventbus..")
                .should().resideInAnyPackage(LAYERS.stream().flatMap(List::stream).map(ArchitectureTest::packageOf)
                        .toArray(String[]::new))
                .because("the layer order in ArchitectureTest.LAYERS is where a package's place is decided");
        rule.check(CLASSES);
    }

    private static ArchRule layers() {
        LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (List<String> row : LAYERS) {
            for (String name : row) {
                architecture = architecture.layer(name).definedBy(packageOf(name));
            }
        }
        List<String> above = new ArrayList<>();
        for (List<String> row : LAYERS) {
            for (String name : row) {
                architecture = above.isEmpty() ? architecture.whereLayer(name).mayNotBeAccessedByAnyLayer()
                        : architecture.whereLayer(name).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
            }
            above.addAll(row);
        }
        return architecture;
    }

    /** {@code transport} is the SPI package alone; {@code samples..} is the samples with their subpackages. */
    private static String packageOf(String name) {
        return "io.eventbus." + name;
    }
}
