package io.eventbus.karaf;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.http.HttpService;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundle's activator: runs the bus in Karaf. Configuration Admin hands it {@code etc/io.eventbus.cfg} (the
 * persistent id {@value #PID}) through a {@link ManagedService}; the first configuration starts the bus
 * ({@link KarafEventBus}), later ones change it. The bus is published as a service for the {@code eventbus:*} shell
 * commands, and health and metrics are served under {@value HealthAndMetricsServlet#ALIAS} as soon as Karaf's HTTP
 * service is there.
 * <p>
 * A plain activator rather than Declarative Services or Blueprint: it needs nothing installed beyond Karaf itself, and
 * the bus's own life cycle (one Camel context, started on the first configuration) is simpler to state in code.
 */
public final class EventBusActivator implements BundleActivator {

    private static final Logger LOG = LoggerFactory.getLogger(EventBusActivator.class);
    /** The persistent id of the configuration: {@code etc/io.eventbus.cfg}. */
    public static final String PID = "io.eventbus";

    private KarafEventBus bus;
    private ServiceRegistration<ManagedService> configuration;
    private ServiceRegistration<KarafEventBus> published;
    private ServiceTracker<HttpService, HttpService> http;

    @Override
    public void start(BundleContext context) {
        bus = new KarafEventBus(context);
        published = context.registerService(KarafEventBus.class, bus, null);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_PID, PID);
        configuration = context.registerService(ManagedService.class, bus::configure, properties);
        http = new ServiceTracker<>(context, HttpService.class, null) {
            @Override
            public HttpService addingService(ServiceReference<HttpService> reference) {
                HttpService service = super.addingService(reference);
                try {
                    service.registerServlet(HealthAndMetricsServlet.ALIAS, new HealthAndMetricsServlet(bus), null,
                            null);
                    LOG.info("Event bus health at {}/health (/live, /ready), metrics at {}/metrics on Karaf's HTTP "
                            + "port (org.osgi.service.http.port in etc/org.ops4j.pax.web.cfg, 8181 by default)",
                            HealthAndMetricsServlet.ALIAS, HealthAndMetricsServlet.ALIAS);
                } catch (Exception e) {
                    LOG.error("Cannot serve the event bus's health and metrics at {}: {}",
                            HealthAndMetricsServlet.ALIAS, e.getMessage(), e);
                }
                return service;
            }

            @Override
            public void removedService(ServiceReference<HttpService> reference, HttpService service) {
                try {
                    service.unregister(HealthAndMetricsServlet.ALIAS);
                } catch (IllegalArgumentException e) {
                    // never registered: the registration above had failed
                }
                super.removedService(reference, service);
            }
        };
        http.open();
    }

    @Override
    public void stop(BundleContext context) {
        http.close();
        configuration.unregister();
        published.unregister();
        bus.stop();
    }
}
