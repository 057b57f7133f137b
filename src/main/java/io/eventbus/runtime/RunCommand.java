package io.eventbus.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.eventbus.feed.FeedPublisher;
import io.eventbus.feed.RunSummary;
import io.eventbus.feed.IdleWatch;
import io.eventbus.bus.BusComponent;
import io.eventbus.bus.BusSettings;
import io.eventbus.console.OperatorConsole;
import io.eventbus.deadletter.AdminAccess;
import io.eventbus.deadletter.DeadLetterHttpApi;
import io.eventbus.deadletter.DeadLetterJson;
import io.eventbus.deadletter.DeadLetters;
import io.eventbus.observability.BusMetrics;
import io.eventbus.observability.BusObservability;
import io.eventbus.reload.ConfigReloader;
import io.eventbus.reload.HotReload;
import io.eventbus.reload.ReloadHealthCheck;
import io.eventbus.reload.ReloadStatus;
import io.eventbus.reload.RouteReloader;
import io.eventbus.reload.SchemaReloader;
import io.eventbus.reload.SubscriberSwitches;
import io.eventbus.tracing.OpenTelemetrySetup;

/**
 * {@code eventbus run}: the event bus as a standalone Camel Main application. Loads the configuration
 * ({@link RuntimeConfiguration}), the routes of {@code --routes}, YAML and Java DSL files (hot-reloaded, see
 * {@link RouteReloader}),
 * optionally publishes a JSONL feed at start, and with {@code --until-idle} stops once nothing has moved for
 * {@code --idle-seconds} and prints the run's summary as the last line of standard output (of the feed's topic, or
 * with {@code --topic} alone of that topic: what a run after a dead-letter replay processed). SIGTERM and SIGINT stop
 * it gracefully through Camel's shutdown strategy: consumers stop taking events, in-flight exchanges finish and are
 * acknowledged within {@code camel.main.shutdown-timeout} seconds; what did not finish stays unacknowledged at the
 * broker and is redelivered. Hot reload stops before Camel stops any route ({@link HotReload}). A stop that fails
 * exits 1 with the reason, where Camel Main alone would log it and exit 0. Logs go to standard error.
 * <p>
 * It serves health and Prometheus metrics over HTTP with Camel Main's management server ({@code camel.management.*}:
 * {@code /observe/health}, {@code /observe/health/live}, {@code /observe/health/ready}, {@code /observe/metrics}),
 * on 127.0.0.1:8080 unless {@code --http-host}/{@code --http-port} or those keys say otherwise; port 0 turns it off.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the event bus application: routes from --routes, optionally fed from a JSONL file.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** Replaced by the admin token; read only to say so. */
    private static final String RETIRED_ADMIN_SWITCH = "eventbus.deadletter.admin-enabled";

    @Mixin
    BusOptions bus;

    @Option(names = "--routes", paramLabel = "DIR", defaultValue = "routes",
            description = "Directory of route files, *.camel.yaml (YAML DSL) and *.java (Java DSL, a RouteBuilder "
                    + "compiled as it loads: needs a JDK), hot-reloaded (default: ${DEFAULT-VALUE}).")
    Path routes;

    @Option(names = "--feed", paramLabel = "FILE.jsonl", description = "Publish each line of the file at start.")
    Path feed;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The topic --feed publishes to; without --feed, "
            + "the topic whose processing the --until-idle summary counts (e.g. events a dlq replay republished).")
    String topic;

    @Option(names = "--format", paramLabel = "FORMAT", description = "The wire format of --topic: envelope, "
            + "cloudevents or a mapping of a system's own JSON (free-food, listings, features, trading, anomaly); "
            + "overrides eventbus.topics.TOPIC.format.")
    String format;

    @Option(names = "--until-idle", description = "Stop once nothing has moved for --idle-seconds; print the summary.")
    boolean untilIdle;

    @Option(names = "--idle-seconds", paramLabel = "N", defaultValue = "2",
            description = "How long nothing must move before --until-idle stops (default: ${DEFAULT-VALUE}).")
    int idleSeconds;

    @Option(names = "--http-host", paramLabel = "HOST",
            description = "Address of the health and metrics HTTP server (default: camel.management.host, 127.0.0.1).")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of the health and metrics HTTP server; 0 turns it off "
                    + "(default: camel.management.port, 8080).")
    Integer httpPort;

    @Override
    public Integer call() throws Exception {
        if (feed != null && topic == null) {
            throw new IllegalArgumentException("--feed needs --topic: the topic to publish the file's events to");
        }
        if (feed != null && !Files.isReadable(feed)) {
            throw new IllegalArgumentException("--feed " + feed + ": file not found or not readable");
        }
        if (!Files.isDirectory(routes)) {
            throw new IllegalArgumentException("--routes " + routes + ": not a directory");
        }
        if (idleSeconds < 1) {
            throw new IllegalArgumentException("--idle-seconds must be at least 1 but was " + idleSeconds);
        }
        Map<String, String> overrides = httpOverrides();
        if (format != null) {
            if (topic == null) {
                throw new IllegalArgumentException("--format needs --topic: it is the wire format of that topic");
            }
            overrides.put("eventbus.topics." + topic + ".format", format);
        }
        RuntimeConfiguration configuration = bus.configuration(overrides);
        StopReportingMain main = new StopReportingMain();
        // our locations replace Main's default application.properties, which would otherwise shadow --config
        main.setDefaultPropertyPlaceholderLocation("false");
        main.setPropertyPlaceholderLocations(configuration.locations());
        main.setOverrideProperties(configuration.overrideProperties());
        IdleWatch idle = untilIdle ? new IdleWatch(idleSeconds) : null;
        RunSummary summary = topic == null ? null : new RunSummary(topic);
        ReloadStatus status = new ReloadStatus();
        SubscriberSwitches switches = new SubscriberSwitches(Set.of(RunSummary.COUNTER_ROUTE_ID));
        Lifecycle lifecycle = new Lifecycle(main, configuration, summary, idle, status, switches);
        main.addMainListener(lifecycle);
        try {
            main.run();
        } catch (Exception e) {
            lifecycle.failed(e);
        }
        if (lifecycle.failure != null) {
            // the route file's own message names file and line; Camel's wrapping of it would bury them
            System.err.println("eventbus run: failed to start: " + (lifecycle.failure instanceof RouteFileLoadException
                    ? lifecycle.failure.getMessage() : EventBusCli.messageOf(lifecycle.failure)));
            return 1;
        }
        if (summary != null && untilIdle) {
            System.out.println(summary.toJson());
        }
        String stopFailure = main.stopFailure();
        if (stopFailure != null) {
            System.err.println("eventbus run: failed to stop cleanly: " + stopFailure + " (the log has the details)");
            return 1;
        }
        return main.getExitCode();
    }

    /**
     * Camel Main that keeps what went wrong while stopping: {@code MainSupport.run} logs an exception thrown by the
     * stop and returns as if all went well, which would make a failed stop exit 0.
     */
    private static final class StopReportingMain extends Main {
        private volatile Exception stopException;

        @Override
        protected void doStop() throws Exception {
            try {
                super.doStop();
            } catch (Exception e) {
                stopException = e;
                throw e;
            }
        }

        /** Why the run did not stop cleanly, or null: the exception the stop threw, else a context not stopped. */
        String stopFailure() {
            if (stopException != null) {
                return EventBusCli.messageOf(stopException);
            }
            CamelContext context = getCamelContext();
            return context == null || context.isStopped() ? null : "the Camel context is " + context.getStatus();
        }
    }

    /** The HTTP options as the {@code camel.management.*} keys they override. */
    private Map<String, String> httpOverrides() {
        Map<String, String> overrides = new HashMap<>();
        if (httpPort != null) {
            if (httpPort < 0 || httpPort > 65535) {
                throw new IllegalArgumentException("--http-port must be between 0 (off) and 65535 but was " + httpPort);
            }
            if (httpPort == 0) {
                overrides.put("camel.management.enabled", "false");
            } else {
                overrides.put("camel.management.port", String.valueOf(httpPort));
            }
        }
        if (httpHost != null) {
            if (httpHost.isBlank()) {
                throw new IllegalArgumentException("--http-host must not be blank");
            }
            overrides.put("camel.management.host", httpHost.strip());
        }
        return overrides;
    }

    /** Whether the address is a loopback one (127.0.0.0/8, ::1, localhost), reachable from this machine alone. */
    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A route file that cannot be loaded at start; its message is {@code file[:line]: reason}. */
    private static final class RouteFileLoadException extends RuntimeException {
        RouteFileLoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Wires the runtime's parts into Camel Main's life cycle. */
    private final class Lifecycle extends MainListenerSupport {
        private final Main main;
        private final RuntimeConfiguration configuration;
        private final RunSummary summary;
        private final IdleWatch idle;
        private final ReloadStatus status;
        private final SubscriberSwitches switches;
        private RouteReloader reloader;
        private Exception failure;

        Lifecycle(Main main, RuntimeConfiguration configuration, RunSummary summary, IdleWatch idle,
                ReloadStatus status, SubscriberSwitches switches) {
            this.main = main;
            this.idle = idle;
            this.configuration = configuration;
            this.summary = summary;
            this.status = status;
            this.switches = switches;
        }

        /**
         * Fails the start when the HTTP server's address is taken: Camel's server would only log it and run without
         * health and metrics, which probes would take for a dead application.
         */
        private void checkHttpAddressFree(CamelContext context) {
            PropertiesComponent properties = context.getPropertiesComponent();
            if (!Boolean.parseBoolean(properties.resolveProperty("camel.management.enabled").orElse("false"))) {
                return;
            }
            String host = properties.resolveProperty("camel.management.host").orElse("0.0.0.0");
            int port = Integer.parseInt(properties.resolveProperty("camel.management.port").orElse("8080").strip());
            if (port == 0) {
                return;
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(host, port));
            } catch (IOException e) {
                throw new IllegalStateException("cannot serve health and metrics on " + host + ":" + port
                        + " (camel.management.host/port, --http-host/--http-port): " + e.getMessage()
                        + "; choose another port, or --http-port 0 to run without the HTTP server");
            }
        }

        /** Where health and metrics are, with the address bound (Camel's own summary shows 0.0.0.0 whatever it is). */
        private void logHttpAddress(CamelContext context) {
            PropertiesComponent properties = context.getPropertiesComponent();
            if (Boolean.parseBoolean(properties.resolveProperty("camel.management.enabled").orElse("false"))) {
                String base = "http://" + properties.resolveProperty("camel.management.host").orElse("0.0.0.0") + ":"
                        + properties.resolveProperty("camel.management.port").orElse("8080").strip();
                LOG.info("Health at {}/observe/health (/live, /ready; ?data=true for details), metrics at "
                        + "{}/observe/metrics, dead letters at {}{}/<topic>, the console at {}{}/", base, base, base,
                        DeadLetterHttpApi.PATH, base, OperatorConsole.PATH);
            }
        }

        /**
         * The dead-letter API ({@link DeadLetterHttpApi}) and the operator console ({@link OperatorConsole}) on the
         * management server, when it runs; warns when the server listens beyond loopback without an admin token
         * (anyone who reaches it reads every dead letter) and when the retired switch of replay and purge is set.
         */
        private void mountHttpApis(CamelContext context) {
            ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
            if (server == null) {
                return;
            }
            PropertiesComponent properties = context.getPropertiesComponent();
            properties.resolveProperty(RETIRED_ADMIN_SWITCH).ifPresent(value -> LOG.warn("{} = {} has no effect any "
                    + "more: replay and purge over HTTP need {} and the X-Eventbus-Token header", RETIRED_ADMIN_SWITCH,
                    value, AdminAccess.TOKEN_KEY));
            BusComponent bus = context.getComponent("bus", BusComponent.class);
            AdminAccess admin = new AdminAccess(bus.startedSettings().getHttpAdminToken());
            String host = properties.resolveProperty("camel.management.host").orElse("0.0.0.0").strip();
            if (!admin.enabled() && !isLoopback(host)) {
                LOG.warn("The HTTP server listens on {}, beyond loopback, and {} is not set: anyone who reaches it "
                        + "reads topics, routes and dead letters (replay and purge stay refused); bind it to "
                        + "127.0.0.1 or put it behind an authenticating proxy", host, AdminAccess.TOKEN_KEY);
            }
            // the API shows encrypted data decrypted with the keys this application holds, as stored without them
            new DeadLetterHttpApi(new DeadLetters(bus), new DeadLetterJson(bus.getValidator().codec(),
                    bus.dataReader()), admin).mount(server.getRouter());
            new OperatorConsole(context, bus, status, admin).mount(server.getRouter());
        }

        /** Keeps the first failure: it is the cause, what follows is Camel giving up. */
        void failed(Exception e) {
            if (failure == null) {
                failure = e;
            }
        }

        @Override
        public void beforeConfigure(BaseMainSupport support) {
            CamelContext context = support.getCamelContext();
            if (Boolean.parseBoolean(context.getPropertiesComponent().resolveProperty(OpenTelemetrySetup.ENABLED)
                    .orElse("false"))) {
                OpenTelemetrySetup.install(context, context.getPropertiesComponent()
                        .resolveProperty("camel.main.name").orElse("camel-eventbus"));
            }
            if (idle != null) {
                context.getManagementStrategy().addEventNotifier(idle);
            }
            if (summary != null) {
                context.getManagementStrategy().addEventNotifier(summary);
                support.configure().addRoutesBuilder(summary.deadLetterCounter());
            }
        }

        @Override
        public void afterConfigure(BaseMainSupport support) {
            CamelContext context = support.getCamelContext();
            try {
                checkHttpAddressFree(context);
            } catch (IllegalStateException e) {
                failed(e);
                throw e;
            }
            reloader = new RouteReloader(context, routes, status, switches);
            try {
                reloader.loadAll();
            } catch (Exception e) {
                RouteFileLoadException failed = new RouteFileLoadException(e.getMessage(), e);
                failed(failed);
                throw failed;
            }
            for (RouteDefinition definition : ((ModelCamelContext) context).getRouteDefinitions()) {
                if (!switches.enabled(context, definition.getRouteId(), definition.getInput().getEndpointUri())) {
                    LOG.info("Subscriber route {} is switched off ({}{}.enabled): not started",
                            definition.getRouteId(), SubscriberSwitches.PREFIX, definition.getRouteId());
                    definition.setAutoStartup("false");
                }
            }
            HealthCheckRegistry registry = HealthCheckRegistry.get(context);
            if (registry != null) {
                registry.register(new ReloadHealthCheck(status));
            }
        }

        @Override
        public void afterStart(BaseMainSupport support) {
            CamelContext context = support.getCamelContext();
            try {
                BusSettings settings = context.getComponent("bus", BusComponent.class).startedSettings();
                if (settings.isReloadEnabled()) {
                    ConfigReloader config = configuration.configFile() == null ? null
                            : new ConfigReloader(context, configuration.configFile(), status, switches);
                    HotReload reload = new HotReload(context, reloader, config, SchemaReloader.of(
                            context.getComponent("bus", BusComponent.class), status), settings.getReloadInterval());
                    context.addService(reload, true, true);
                    context.addLifecycleStrategy(reload.stopFirst());
                }
                status.registerMeters(BusObservability.of(context.getComponent("bus", BusComponent.class)).metrics());
                mountHttpApis(context);
                logHttpAddress(context);
                if (feed != null) {
                    FeedPublisher.Result result = new FeedPublisher(context).publish(feed, topic);
                    summary.published(result.lines());
                    LOG.info("Fed {} events from {} to {} ({} invalid, dead-lettered)", result.lines(), feed, topic,
                            result.invalid());
                }
                if (idle != null) {
                    idle.start(context, main::completed);
                }
            } catch (Exception e) {
                failed(e);
                LOG.error("eventbus run: {}", EventBusCli.messageOf(e), e);
                main.completed();
            }
        }
    }
}
