package io.eventbus.karaf;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.ConsumersHealthCheckRepository;
import org.apache.camel.impl.health.DefaultHealthCheckRegistry;
import org.apache.camel.impl.health.RoutesHealthCheckRepository;
import org.apache.camel.karaf.core.OsgiDefaultCamelContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.BusSettings;
import io.eventbus.observability.BusObservability;
import io.eventbus.reload.ConfigChange;
import io.eventbus.reload.HotReload;
import io.eventbus.reload.ReloadHealthCheck;
import io.eventbus.reload.ReloadStatus;
import io.eventbus.reload.RouteReloader;
import io.eventbus.reload.SchemaReloader;
import io.eventbus.reload.SubscriberSwitches;

/**
 * The bus as it runs in Karaf: one Camel context (camel-karaf's {@link OsgiDefaultCamelContext}, which finds
 * components, languages and the YAML loader in other bundles), configured from {@code etc/io.eventbus.cfg}, running
 * the route files of a watched folder.
 * <p>
 * Configuration: the packaged {@code application.properties} gives the defaults, the {@code .cfg} file's keys override
 * them (the same keys as {@code eventbus run --config}). The first configuration starts the bus; a later one applies
 * the subscriber and publisher switches at once and logs the other keys it changed as waiting for a restart of the
 * bundle, as {@code eventbus run} does for its {@code --config} file ({@link ConfigChange}). A configuration the bus
 * cannot start with (a wrong value) is logged with its key, and the bus waits for the next one; Karaf runs on.
 * <p>
 * Routes: every {@code *.camel.yaml} and {@code *.java} of {@code eventbus.reload.directory} (default
 * {@code etc/eventbus/routes}), each file tried before it replaces the routes it defined ({@link RouteReloader}); at
 * start too, a broken file is refused with its file and line and the others run, since here, unlike
 * {@code eventbus run}, nobody sees a failed start. Java files are compiled against the bundles' exports
 * ({@link BundleJavaRoutesLoader}).
 */
public final class KarafEventBus {

    private static final Logger LOG = LoggerFactory.getLogger(KarafEventBus.class);
    /** Keys Configuration Admin and Karaf's file install add to every configuration: not the bus's. */
    private static final String SCHEMA_LOCATION = "eventbus.schema.location";
    private static final Set<String> NOT_OURS = Set.of("service.pid", "service.factoryPid", "felix.fileinstall.filename",
            "service.bundleLocation");

    private final BundleContext bundle;
    private final ReloadStatus status = new ReloadStatus();
    private final SubscriberSwitches switches = new SubscriberSwitches(Set.of());
    private Map<String, String> configuration = Map.of();
    /** What the bus adds to the configuration in Karaf: the schemas' folder, unless the configuration names one. */
    private Map<String, String> karafDefaults = Map.of();
    private volatile CamelContext context;

    KarafEventBus(BundleContext bundle) {
        this.bundle = bundle;
    }

    /** The running context, or null while the bus is not running (no configuration yet, or a failed start). */
    public CamelContext context() {
        return context;
    }

    /** Configuration Admin's call: {@code properties} is null while {@code etc/io.eventbus.cfg} does not exist. */
    synchronized void configure(Dictionary<String, ?> properties) {
        Map<String, String> next = keysOf(properties);
        if (context == null) {
            start(next);
        } else {
            apply(next);
        }
    }

    private void start(Map<String, String> configured) {
        configuration = configured;
        try {
            karafDefaults = Map.of(SCHEMA_LOCATION, shippedSchemasFolder().toString());
        } catch (IOException e) {
            LOG.error("Event bus not started: cannot copy the shipped JSON Schemas to {}: {}", etc("schemas"),
                    e.getMessage(), e);
            return;
        }
        OsgiDefaultCamelContext camel = new OsgiDefaultCamelContext(bundle);
        ClassLoader bundleLoader = bundle.getBundle().adapt(BundleWiring.class).getClassLoader();
        camel.setApplicationContextClassLoader(bundleLoader);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(bundleLoader);
        try {
            camel.getCamelContextExtension().setName("camel-eventbus");
            camel.getPropertiesComponent().setLocation("classpath:application.properties");
            camel.getPropertiesComponent().setOverrideProperties(overrides(configured));
            camel.getShutdownStrategy().setTimeout(Long.parseLong(camel.getPropertiesComponent()
                    .resolveProperty("camel.main.shutdown-timeout").orElse("30").strip()));
            HealthCheckRegistry health = new DefaultHealthCheckRegistry();
            health.setExposureLevel("full");
            camel.getCamelContextExtension().addContextPlugin(HealthCheckRegistry.class, health);
            health.register(new RoutesHealthCheckRepository());
            health.register(new ConsumersHealthCheckRepository());
            health.register(new ReloadHealthCheck(status));
            BusComponent bus = new BusComponent();
            camel.addComponent("bus", bus);
            camel.start();
            BundleJavaRoutesLoader javaRoutes = new BundleJavaRoutesLoader(new BundleJavaCompiler(bundle, bundleLoader));
            javaRoutes.setCamelContext(camel);
            camel.addService(javaRoutes, true, true);
            camel.getRegistry().bind(BundleJavaRoutesLoader.REGISTRY_NAME, javaRoutes);
            BusSettings settings = bus.startedSettings();
            status.registerMeters(BusObservability.of(bus).metrics());
            Path routes = routesDirectory(settings);
            RouteReloader reloader = new RouteReloader(camel, routes, status, switches);
            reloader.scan();
            if (settings.isReloadEnabled()) {
                HotReload reload = new HotReload(camel, reloader, null, SchemaReloader.of(bus, status),
                        settings.getReloadInterval());
                camel.addService(reload, true, true);
                camel.addLifecycleStrategy(reload.stopFirst());
            }
            context = camel;
            LOG.info("Event bus started in Karaf: transport {}, routes from {}{}", settings.getTransport(), routes,
                    settings.isReloadEnabled() ? " (watched)" : "");
        } catch (Exception e) {
            LOG.error("Event bus not started: {}; fix etc/io.eventbus.cfg (or the cause), the bus starts on its next "
                    + "change", RouteReloader.reasonOf(e), e);
            try {
                camel.stop();
            } catch (RuntimeException stopFailure) {
                LOG.debug("Stopping the context that did not start failed", stopFailure);
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static Path routesDirectory(BusSettings settings) throws Exception {
        String configured = settings.getReloadDirectory();
        Path routes = configured == null || configured.isBlank() ? etc("routes") : Path.of(configured.strip());
        return Files.createDirectories(routes);
    }

    /** {@code <karaf etc>/eventbus/<name>}. */
    private static Path etc(String name) {
        return Path.of(System.getProperty("karaf.etc", "etc"), "eventbus", name);
    }

    /**
     * {@code etc/eventbus/schemas}, the schemas' folder unless {@code eventbus.schema.location} names another: a
     * bundle's entries cannot be listed as {@code classpath:schemas} is on a class path, so at the first start the
     * schemas shipped in the bundle are copied there, where an operator also adds and edits schemas (read at start).
     */
    private Path shippedSchemasFolder() throws IOException {
        Path folder = etc("schemas");
        if (Files.isDirectory(folder)) {
            return folder;
        }
        Enumeration<URL> shipped = bundle.getBundle().findEntries("schemas", "*.json", true);
        while (shipped != null && shipped.hasMoreElements()) {
            URL entry = shipped.nextElement();
            Path target = folder.resolve(entry.getPath().replaceFirst("^/?schemas/", ""));
            Files.createDirectories(target.getParent());
            try (InputStream in = entry.openStream()) {
                Files.copy(in, target);
            }
        }
        Files.createDirectories(folder);
        LOG.info("Copied the shipped JSON Schemas to {} (eventbus.schema.location)", folder);
        return folder;
    }

    /** A later configuration: the switches at once; what else changed, at the next start, as a log line says. */
    private void apply(Map<String, String> next) {
        ConfigChange change = ConfigChange.between(configuration, next);
        Properties previous = overrides(configuration);
        context.getPropertiesComponent().setOverrideProperties(overrides(next));
        try {
            context.getComponent("bus", BusComponent.class).getPublisherSwitches().refresh(context);
            switches.apply(context);
        } catch (Exception e) {
            context.getPropertiesComponent().setOverrideProperties(previous);
            status.failed("io.eventbus.cfg", null, RouteReloader.reasonOf(e));
            LOG.error("etc/io.eventbus.cfg not applied, the previous configuration stays: {}",
                    RouteReloader.reasonOf(e));
            return;
        }
        configuration = next;
        status.configReloaded();
        LOG.info("etc/io.eventbus.cfg applied: subscriber and publisher switches{}",
                change.appliedNow().isEmpty() ? " (unchanged)" : " " + change.appliedNow());
        if (!change.needRestart().isEmpty()) {
            LOG.warn("etc/io.eventbus.cfg: {} changed; read at start only, they apply when the bus restarts "
                    + "(bundle:restart io.eventbus.camel-eventbus)", change.needRestart());
        }
    }

    synchronized void stop() {
        CamelContext running = context;
        context = null;
        if (running != null) {
            running.stop();
        }
    }

    private static Map<String, String> keysOf(Dictionary<String, ?> properties) {
        Map<String, String> keys = new HashMap<>();
        if (properties != null) {
            for (Enumeration<String> names = properties.keys(); names.hasMoreElements(); ) {
                String name = names.nextElement();
                if (!NOT_OURS.contains(name)) {
                    keys.put(name, String.valueOf(properties.get(name)).strip());
                }
            }
        }
        return keys;
    }

    /** The configuration as Camel's override properties, with what the bus adds in Karaf wherever it is not set. */
    private Properties overrides(Map<String, String> configured) {
        Properties properties = new Properties();
        properties.putAll(karafDefaults);
        properties.putAll(configured);
        return properties;
    }
}
