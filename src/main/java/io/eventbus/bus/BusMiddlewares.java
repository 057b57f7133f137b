package io.eventbus.bus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.UnitOfWorkHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.eventbus.transport.EventBusProperties;

/**
 * The middlewares of a {@code bus:} consumer and the code running them around its route (see {@link BusMiddleware}
 * for the contract). Resolved when the consumer subscribes, so that beans added by a reloaded route file apply to
 * the consumers it starts.
 */
final class BusMiddlewares {

    static final String KEY = "eventbus.middleware";

    private static final Logger LOG = LoggerFactory.getLogger(BusMiddlewares.class);

    private final List<BusMiddleware> middlewares;

    private BusMiddlewares(List<BusMiddleware> middlewares) {
        this.middlewares = List.copyOf(middlewares);
    }

    /**
     * Those named in {@code eventbus.middleware} (comma-separated: a name a {@link BusPlugin} offers, such as
     * {@code logging} and {@code metrics}, or a bean name), in that order, then every other {@link BusMiddleware}
     * bean of the registry by bean name.
     */
    static BusMiddlewares resolve(CamelContext context, BusComponent component) {
        List<BusMiddleware> chain = new ArrayList<>();
        Set<BusMiddleware> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, Supplier<BusMiddleware>> offered = new LinkedHashMap<>();
        for (BusPlugin plugin : component.plugins()) {
            plugin.middlewares().forEach(offered::putIfAbsent);
        }
        String names = new EventBusProperties(context).string(KEY)
                .orElse(Objects.requireNonNullElse(component.getSettings().getMiddleware(), ""));
        for (String raw : names.split(",")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            Supplier<BusMiddleware> builtIn = offered.get(name);
            BusMiddleware middleware = builtIn != null ? builtIn.get() : named(context, name, offered.keySet());
            if (seen.add(middleware)) {
                chain.add(middleware);
            }
        }
        Map<String, BusMiddleware> beans = new TreeMap<>(
                context.getRegistry().findByTypeWithName(BusMiddleware.class));
        for (BusMiddleware bean : beans.values()) {
            if (seen.add(bean)) {
                chain.add(bean);
            }
        }
        return new BusMiddlewares(chain);
    }

    private static BusMiddleware named(CamelContext context, String name, Set<String> builtIn) {
        Object bean = context.getRegistry().lookupByName(name);
        if (bean instanceof BusMiddleware middleware) {
            return middleware;
        }
        throw new IllegalArgumentException(KEY + ": no middleware named '" + name + "' (built in: "
                + (builtIn.isEmpty() ? "none" : String.join(", ", builtIn)) + "; else the name of a bean of type "
                + BusMiddleware.class.getName()
                + (bean == null ? ", and there is no such bean)" : ", but bean '" + name + "' is a "
                        + bean.getClass().getName() + ")"));
    }

    List<BusMiddleware> list() {
        return middlewares;
    }

    /**
     * Runs the route between the middlewares. A {@code before} that throws fails the exchange without calling the
     * route; its completions (the delivery's settlement) then run here, since no unit of work will.
     */
    void process(Exchange exchange, AsyncProcessor route, AsyncCallback callback) {
        if (middlewares.isEmpty()) {
            route.process(exchange, callback);
            return;
        }
        int entered = 0;
        try {
            for (BusMiddleware middleware : middlewares) {
                entered++;
                middleware.before(exchange);
            }
        } catch (Exception e) {
            exchange.setException(e);
            UnitOfWorkHelper.doneSynchronizations(exchange, exchange.getExchangeExtension().handoverCompletions());
            after(exchange, entered);
            callback.done(true);
            return;
        }
        route.process(exchange, doneSync -> {
            after(exchange, middlewares.size());
            callback.done(doneSync);
        });
    }

    private void after(Exchange exchange, int entered) {
        for (int i = entered - 1; i >= 0; i--) {
            try {
                middlewares.get(i).after(exchange);
            } catch (RuntimeException e) {
                LOG.warn("Middleware {} failed after exchange {}: {}", middlewares.get(i), exchange.getExchangeId(),
                        e.getMessage(), e);
            }
        }
    }
}
