package io.eventbus.reload;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.LifecycleStrategy;
import org.apache.camel.spi.ShutdownStrategy;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the route directory, the JSON Schemas' folder and the configuration file every {@code eventbus.reload.interval} milliseconds while the
 * context runs. Polling rather than file-system events: it behaves the same on every file system, including the
 * mounted volumes and config maps integrators edit, and it sees a file replaced by rename.
 * <p>
 * Stopping: it stops before Camel stops anything, whichever way the context is stopped (Camel Main, a signal, JMX),
 * through {@link #stopFirst()}. A reload adds, starts, stops and removes routes; had it run on while Camel stopped the
 * routes, the two would change the context's routes at once, and the stop could fail half-way. On stop, no scan starts
 * any more, a scan in progress applies no further file ({@link RouteReloader#stop()}) and is waited for (at most the
 * shutdown timeout, {@code camel.main.shutdown-timeout}, since replacing a route waits for its in-flight events);
 * only then does Camel go on stopping.
 */
public final class HotReload extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HotReload.class);

    private final CamelContext context;
    private final RouteReloader routes;
    private final ConfigReloader config;
    private final SchemaReloader schemas;
    private final long intervalMillis;
    /** Once set, never cleared: the run is ending (a stopped context is not started again by {@code eventbus run}). */
    private volatile boolean stopping;
    private ScheduledExecutorService executor;

    /**
     * @param config  the configuration file's reloader, or null when the run has no {@code --config} file
     * @param schemas the schemas' folder's reloader, or null when the schemas are the jar's
     */
    public HotReload(CamelContext context, RouteReloader routes, ConfigReloader config, SchemaReloader schemas,
            long intervalMillis) {
        this.context = context;
        this.routes = routes;
        this.config = config;
        this.schemas = schemas;
        this.intervalMillis = intervalMillis;
    }

    /**
     * What to add to the context's lifecycle strategies so that hot reload stops as the context begins to stop:
     * Camel calls {@code onContextStopping} before it stops a single route, and a context service is stopped only
     * after every route.
     */
    public LifecycleStrategy stopFirst() {
        return new LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext stoppingContext) {
                stop();
            }
        };
    }

    @Override
    protected void doStart() {
        executor = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "eventbus-reload");
        executor.scheduleWithFixedDelay(this::scan, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void scan() {
        // the application's class loader as the thread's, as while the routes were first loaded: in Karaf, Camel
        // resolves a class a route file names (#class:, exceptionType) through it, not through the bundle's wiring
        ClassLoader application = context.getApplicationContextClassLoader();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        if (application != null) {
            Thread.currentThread().setContextClassLoader(application);
        }
        try {
            // schemas first: a route file and the schema of the events it publishes are often changed together
            if (schemas != null && !stopping) {
                schemas.scan();
            }
            routes.scan();
            if (config != null && !stopping) {
                config.scan();
            }
        } catch (Exception e) {
            LOG.error("Hot reload scan failed; retrying in {} ms", intervalMillis, e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Override
    protected void doStop() {
        stopping = true;
        routes.stop();
        if (executor != null) {
            ShutdownStrategy shutdown = context.getShutdownStrategy();
            long bound = shutdown.getTimeUnit().toMillis(shutdown.getTimeout());
            // waits for a scan in progress; past the bound Camel interrupts it and logs a warning
            context.getExecutorServiceManager().shutdownGraceful(executor, bound);
            if (!executor.isTerminated()) {
                LOG.error("A hot reload still runs {} ms after the application began to stop; stopping anyway",
                        bound);
            }
            executor = null;
        }
    }
}
