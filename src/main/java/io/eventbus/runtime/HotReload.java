package io.eventbus.runtime;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the route directory and the configuration file every {@code eventbus.reload.interval} milliseconds while the
 * context runs. Polling rather than file-system events: it behaves the same on every file system, including the
 * mounted volumes and config maps integrators edit, and it sees a file replaced by rename.
 */
final class HotReload extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HotReload.class);

    private final CamelContext context;
    private final RouteReloader routes;
    private final ConfigReloader config;
    private final long intervalMillis;
    private ScheduledExecutorService executor;

    /** @param config the configuration file's reloader, or null when the run has no {@code --config} file */
    HotReload(CamelContext context, RouteReloader routes, ConfigReloader config, long intervalMillis) {
        this.context = context;
        this.routes = routes;
        this.config = config;
        this.intervalMillis = intervalMillis;
    }

    @Override
    protected void doStart() {
        executor = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "eventbus-reload");
        executor.scheduleWithFixedDelay(this::scan, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void scan() {
        try {
            routes.scan();
            if (config != null) {
                config.scan();
            }
        } catch (Exception e) {
            LOG.error("Hot reload scan failed; retrying in {} ms", intervalMillis, e);
        }
    }

    @Override
    protected void doStop() {
        if (executor != null) {
            context.getExecutorServiceManager().shutdownGraceful(executor);
            executor = null;
        }
    }
}
