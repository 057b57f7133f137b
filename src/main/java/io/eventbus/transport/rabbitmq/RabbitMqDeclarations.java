package io.eventbus.transport.rabbitmq;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Declares exchanges, queues and bindings now, and again on every new connection, idempotently.
 * <p>
 * Written by hand around {@link RabbitAdmin}: the admin re-declares on reconnection only what it has once declared
 * successfully (or what is a bean of a Spring application context, which the bus has not), while the bus must be
 * able to start, and bind consumers, while the broker is down, and declare everything once it is back. A
 * declaration the broker refuses (an existing queue with other arguments, a wrong exchange type) fails
 * {@link #declare} with the broker's reason.
 */
final class RabbitMqDeclarations implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqDeclarations.class);

    private final RabbitAdmin admin;
    private final Map<String, Declarable> declarables = new LinkedHashMap<>();

    RabbitMqDeclarations(RabbitAdmin admin) {
        this.admin = admin;
    }

    /**
     * Declares what is not declared yet and remembers it for every later connection. With the broker unreachable
     * it only remembers; a refusal by the broker throws.
     */
    void declare(Collection<? extends Declarable> wanted) {
        List<Declarable> fresh;
        synchronized (declarables) {
            fresh = wanted.stream().filter(d -> !declarables.containsKey(key(d))).map(d -> (Declarable) d).toList();
            if (fresh.isEmpty()) {
                return;
            }
        }
        for (Declarable declarable : fresh) {
            if (declarable instanceof Queue queue) {
                String risk = RabbitMqTopology.removalRisk(queue.getName(), queue.getArguments());
                if (risk != null) {
                    LOG.warn("RabbitMQ may remove events nobody has read from {}", risk);
                }
            }
        }
        try {
            fresh.forEach(this::declareOne);
        } catch (AmqpConnectException e) {
            LOG.info("RabbitMQ is not reachable ({}); declaring {} once it is", RabbitMqErrors.describe(e),
                    fresh.stream().map(RabbitMqDeclarations::key).toList());
        } catch (AmqpException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        synchronized (declarables) {
            fresh.forEach(d -> declarables.put(key(d), d));
        }
    }

    /** Re-declares everything on a new connection (first connection, or after the broker came back). */
    @Override
    public void onCreate(Connection connection) {
        List<Declarable> all;
        synchronized (declarables) {
            all = List.copyOf(declarables.values());
        }
        for (Declarable declarable : all) {
            try {
                declareOne(declarable);
            } catch (AmqpException e) {
                LOG.error("Cannot re-declare {} on the new RabbitMQ connection: {}", key(declarable),
                        RabbitMqErrors.describe(e));
            }
        }
    }

    private void declareOne(Declarable declarable) {
        try {
            if (declarable instanceof Exchange exchange) {
                admin.declareExchange(exchange);
            } else if (declarable instanceof Queue queue) {
                admin.declareQueue(queue);
            } else if (declarable instanceof Binding binding) {
                admin.declareBinding(binding);
            }
        } catch (AmqpConnectException e) {
            throw e;
        } catch (AmqpException e) {
            throw new AmqpException("RabbitMQ refused to declare " + key(declarable) + ": "
                    + RabbitMqErrors.describe(e), e);
        }
    }

    private static String key(Declarable declarable) {
        if (declarable instanceof Exchange exchange) {
            return exchange.getType() + " exchange '" + exchange.getName() + "'";
        }
        if (declarable instanceof Queue queue) {
            return "queue '" + queue.getName() + "' " + queue.getArguments();
        }
        Binding binding = (Binding) declarable;
        return "binding '" + binding.getExchange() + "' -> '" + binding.getDestination() + "' ["
                + binding.getRoutingKey() + "]";
    }
}
