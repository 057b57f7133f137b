package io.eventbus.reload;

import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.BusEndpoint;
import io.eventbus.transport.EventBusProperties;

/**
 * Subscribers switched off and on at runtime from configuration (the {@code subscriber.enabled}
 * flag of services built on Redis Streams):
 * {@code eventbus.subscribers.enabled} for every route consuming {@code bus:}, {@code eventbus.subscribers.<route
 * id>.enabled} for one; both default to true. Switching off stops the route gracefully (in-flight events finish and
 * are acknowledged; the rest wait at the broker); switching on starts it again. Routes of the runtime itself (the
 * run summary's dead-letter counter) are never switched.
 */
public final class SubscriberSwitches {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriberSwitches.class);
    public static final String PREFIX = "eventbus.subscribers.";

    private final Set<String> alwaysOn;

    public SubscriberSwitches(Set<String> alwaysOn) {
        this.alwaysOn = Set.copyOf(alwaysOn);
    }

    /** Whether the route may consume now; routes not consuming {@code bus:} are not switched. */
    public boolean enabled(CamelContext context, String routeId, String fromUri) {
        if (alwaysOn.contains(routeId) || fromUri == null || !fromUri.startsWith("bus:")) {
            return true;
        }
        EventBusProperties properties = new EventBusProperties(context);
        boolean allByDefault = !(context.hasComponent("bus") instanceof BusComponent bus)
                || bus.getSettings().isSubscribersEnabled();
        return properties.bool(PREFIX + "enabled", allByDefault)
                && properties.bool(PREFIX + routeId + ".enabled", true);
    }

    /** Starts and stops {@code bus:} routes to match the switches. */
    public void apply(CamelContext context) throws Exception {
        for (Route route : context.getRoutes()) {
            if (!(route.getEndpoint() instanceof BusEndpoint)) {
                continue;
            }
            String id = route.getRouteId();
            boolean wanted = enabled(context, id, route.getEndpoint().getEndpointUri());
            ServiceStatus status = context.getRouteController().getRouteStatus(id);
            if (wanted && status != null && status.isStopped()) {
                LOG.info("Subscriber {} switched on: starting route {}", route.getEndpoint().getEndpointBaseUri(), id);
                context.getRouteController().startRoute(id);
            } else if (!wanted && status != null && status.isStarted()) {
                LOG.info("Subscriber {} switched off: stopping route {} once its in-flight events finish",
                        route.getEndpoint().getEndpointBaseUri(), id);
                context.getRouteController().stopRoute(id);
            }
        }
    }
}
