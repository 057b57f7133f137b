package io.eventbus.transport.rabbitmq;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;

import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.EventBusProperties;

/**
 * What the transport declares on the broker: the exchanges, queues and bindings named in configuration (an
 * existing system's named exchanges of type direct, topic and fanout, queues with arguments, bindings), and the
 * bus's own:
 * <ul>
 * <li>topic {@code T}: a durable exchange {@code T} of type topic, routing key {@code T} unless a message names
 * its own ({@code routing_key} header) — unless configuration declares an exchange named {@code T}, whose type then
 * applies (a fanout {@code trade_events});</li>
 * <li>consumer group {@code G} of {@code T}: the durable queue {@code T.G} bound to it with the key {@code T}, or
 * with the group's binding keys (patterns such as {@code orders.*.eu}), dead-lettering at broker level
 * (expired, rejected without requeue, over a length limit) to the queue {@code T.G.dlq}, and, with
 * {@link RabbitMqSettings.Redelivery#REPUBLISH}, its retry queue {@code T.G.retry} whose expired messages go back
 * to {@code T.G}. {@code eventbus.rabbitmq.topology.queue.T.G.arguments} adds or overrides arguments of that
 * queue (x-max-length, x-overflow, x-message-ttl, ...); do not also list it in {@code topology.queues};</li>
 * <li>a retained topic (dead-letter topics {@code *.dlq}, parked topics {@code *.parked}, the
 * {@code processing.failed} topic, and
 * {@code eventbus.rabbitmq.retained-topics}): also a queue named {@code T}, so that its events are kept even
 * before any group consumes them and publishing never fails as unroutable.</li>
 * <li>a delayed event of {@code T} ({@code deliver_at}): the durable queue {@code T.delay.<ms>}, where {@code ms} is
 * the time still to wait rounded up to two significant digits (at least 100 ms: 100, 200, ... 9900, 10000, 11000,
 * ...), with {@code x-message-ttl = ms} and dead-lettering into {@code T}'s exchange with routing key {@code T}. A
 * queue holds one time to live only, because RabbitMQ expires messages at a queue's head: a message behind a longer
 * one would wait for it. See {@link #delayBucket}.</li>
 * </ul>
 * Configuration keys:
 * <pre>
 * eventbus.rabbitmq.topology.exchanges = trade_events:fanout, orders:direct      # name:direct|topic|fanout|headers
 * eventbus.rabbitmq.topology.queues = order_book, trade_analytics
 * eventbus.rabbitmq.topology.queue.order_book.arguments = x-max-priority=10, x-message-ttl=60000
 * eventbus.rabbitmq.topology.bindings = trade_events -&gt; trade_analytics, orders -&gt; order_book : place_order
 * </pre>
 * Everything is durable; a binding's routing key defaults to the queue's name.
 */
final class RabbitMqTopology {

    static final String PREFIX = RabbitMqSettings.PREFIX + "topology.";
    private static final List<String> EXCHANGE_TYPES = List.of("direct", "topic", "fanout", "headers");

    private final RabbitMqSettings settings;
    private final EventBusProperties properties;
    private final Map<String, Exchange> exchanges = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> queues = new LinkedHashMap<>();
    private final List<Binding> bindings = new ArrayList<>();

    private RabbitMqTopology(RabbitMqSettings settings, EventBusProperties properties) {
        this.settings = settings;
        this.properties = properties;
    }

    static RabbitMqTopology from(EventBusProperties properties, RabbitMqSettings settings) {
        RabbitMqTopology topology = new RabbitMqTopology(settings, properties);
        for (String item : RabbitMqSettings.list(settings.getRabbitmqTopologyExchanges())) {
            String[] parts = item.split(":");
            String type = parts.length == 2 ? parts[1].trim().toLowerCase(Locale.ROOT) : "";
            if (parts.length != 2 || parts[0].isBlank() || !EXCHANGE_TYPES.contains(type)) {
                throw new IllegalArgumentException(PREFIX + "exchanges: expected name:type with type one of "
                        + EXCHANGE_TYPES + " but was \"" + item + "\"");
            }
            String name = parts[0].trim();
            topology.exchanges.put(name, new ExchangeBuilder(name, type).durable(true).build());
        }
        for (String name : RabbitMqSettings.list(settings.getRabbitmqTopologyQueues())) {
            topology.queues.put(name, topology.configuredArguments(name));
        }
        for (String item : RabbitMqSettings.list(settings.getRabbitmqTopologyBindings())) {
            String[] route = item.split("->");
            if (route.length != 2 || route[0].isBlank() || route[1].isBlank()) {
                throw new IllegalArgumentException(PREFIX + "bindings: expected \"exchange -> queue\" or "
                        + "\"exchange -> queue : routing-key\" but was \"" + item + "\"");
            }
            String exchange = route[0].trim();
            String[] target = route[1].split(":", 2);
            String queue = target[0].trim();
            String routingKey = target.length == 2 ? target[1].trim() : queue;
            if (!topology.exchanges.containsKey(exchange)) {
                throw new IllegalArgumentException(PREFIX + "bindings: \"" + item + "\" binds exchange \"" + exchange
                        + "\", which " + PREFIX + "exchanges does not declare");
            }
            if (!topology.queues.containsKey(queue)) {
                throw new IllegalArgumentException(PREFIX + "bindings: \"" + item + "\" binds queue \"" + queue
                        + "\", which " + PREFIX + "queues does not declare");
            }
            topology.bindings.add(new Binding(queue, Binding.DestinationType.QUEUE, exchange, routingKey, null));
        }
        return topology;
    }

    /** The configured exchanges, queues and bindings, in declaration order. */
    List<Declarable> configured() {
        List<Declarable> all = new ArrayList<>(exchanges.values());
        queues.forEach((name, args) -> all.add(new Queue(name, true, false, false, args)));
        all.addAll(bindings);
        return all;
    }

    /** The exchange of a topic, declared by configuration or else a durable topic exchange of its name. */
    Exchange exchangeOf(String topic) {
        return Optional.ofNullable(exchanges.get(topic))
                .orElseGet(() -> new ExchangeBuilder(topic, "topic").durable(true).build());
    }

    /** The exchange of a topic, and for a retained topic its queue and binding too. */
    List<Declarable> forPublishing(String topic) {
        List<Declarable> all = new ArrayList<>();
        all.add(exchangeOf(topic));
        if (isRetained(topic)) {
            all.add(queue(topic, typeArguments(), topic));
            all.add(new Binding(topic, Binding.DestinationType.QUEUE, topic, topic, null));
        }
        return all;
    }

    /**
     * The queue of a consumer group with its dead-letter and retry queues and its bindings to the topic: one per
     * binding key, or the topic as the key when none is given. Bindings only ever add up: a key a group was bound
     * with before stays bound until removed on the broker (or the group deleted).
     */
    List<Declarable> forGroup(String topic, String group, List<String> bindingKeys) {
        String queue = groupQueue(topic, group);
        List<Declarable> all = new ArrayList<>(forPublishing(topic));
        all.add(queue(deadLetterQueue(queue), typeArguments(), null));
        if (settings.redelivery() == RabbitMqSettings.Redelivery.REPUBLISH) {
            Map<String, Object> retry = typeArguments();
            retry.put("x-dead-letter-exchange", "");
            retry.put("x-dead-letter-routing-key", queue);
            all.add(queue(retryQueue(queue), retry, null));
        }
        Map<String, Object> args = typeArguments();
        args.put("x-dead-letter-exchange", "");
        args.put("x-dead-letter-routing-key", deadLetterQueue(queue));
        if (settings.maxPriority() > 0) {
            args.put("x-max-priority", settings.maxPriority());
        }
        all.add(queue(queue, args, queue));
        for (String key : bindingKeys.isEmpty() ? List.of(topic) : bindingKeys) {
            all.add(new Binding(queue, Binding.DestinationType.QUEUE, topic, key, null));
        }
        return all;
    }

    /**
     * The delay queue a message still to wait {@code remainingMillis} goes to and its declaration: durable, messages
     * expiring after the bucket's time and dead-lettered into the topic's exchange, which routes them to the topic's
     * groups. With quorum queues dead-lettering is at-least-once ({@code x-dead-letter-strategy}, which needs
     * {@code x-overflow=reject-publish}); classic queues dead-letter as RabbitMQ always has.
     */
    List<Declarable> forDelay(String topic, long bucketMillis) {
        List<Declarable> all = new ArrayList<>(forPublishing(topic));
        Map<String, Object> args = typeArguments();
        args.put("x-message-ttl", bucketMillis);
        args.put("x-dead-letter-exchange", topic);
        args.put("x-dead-letter-routing-key", topic);
        if (settings.queueType() == RabbitMqSettings.QueueType.QUORUM) {
            args.put("x-dead-letter-strategy", "at-least-once");
            args.put("x-overflow", "reject-publish");
        }
        all.add(new Queue(delayQueue(topic, bucketMillis), true, false, false, args));
        return all;
    }

    /** The queue of a topic's delayed messages that wait {@code bucketMillis}. */
    static String delayQueue(String topic, long bucketMillis) {
        return topic + ".delay." + bucketMillis;
    }

    /** The most a delay queue can hold a message: RabbitMQ's largest time to live (2^32 - 1 ms, about 49 days). */
    static final long MAX_DELAY_MILLIS = 4_294_967_295L;

    /**
     * The time to live of the queue for a message still to wait {@code remainingMillis}: rounded up to two
     * significant digits, in steps of at least 100 ms. Rounded up, never down, so a message never arrives early; at
     * most a tenth of its delay (or 100 ms) late; and a topic has at most 90 delay queues per power of ten of delay,
     * fewer in practice, where delays are few and round.
     */
    static long delayBucket(long remainingMillis) {
        long step = 100;
        while (remainingMillis > step * 100) {
            step *= 10;
        }
        return Math.max(step, (remainingMillis + step - 1) / step * step);
    }

    /**
     * What a queue's arguments let the broker remove before anyone read it, or null when nothing: RabbitMQ's
     * default overflow ({@code drop-head}) drops the oldest messages of a queue over {@code x-max-length} or
     * {@code x-max-length-bytes}, {@code x-message-ttl} expires messages, {@code x-expires} deletes an unused queue
     * with its messages. With a dead-letter exchange the first two move messages there instead of dropping them.
     * {@code reject-publish} refuses new messages instead (the publish fails; nothing already queued is lost).
     */
    static String removalRisk(String queue, Map<String, Object> args) {
        List<String> risks = new ArrayList<>();
        boolean deadLetters = args.containsKey("x-dead-letter-exchange");
        String whereTo = deadLetters ? "moves them to its dead-letter exchange ('"
                + args.get("x-dead-letter-exchange") + "', routing key '" + args.getOrDefault(
                        "x-dead-letter-routing-key", queue) + "')" : "drops them without a trace";
        Object overflow = args.getOrDefault("x-overflow", "drop-head");
        for (String limit : List.of("x-max-length", "x-max-length-bytes")) {
            if (args.containsKey(limit) && "drop-head".equals(overflow)) {
                risks.add("over " + limit + "=" + args.get(limit) + " it removes its oldest messages, read or not,"
                        + " and " + whereTo + " (x-overflow=drop-head, RabbitMQ's default; x-overflow=reject-publish"
                        + " makes publishing fail instead)");
            }
        }
        if (args.containsKey("x-message-ttl")) {
            risks.add("messages not consumed within x-message-ttl=" + args.get("x-message-ttl") + " ms expire and it "
                    + whereTo);
        }
        if (args.containsKey("x-expires")) {
            risks.add("unused for x-expires=" + args.get("x-expires") + " ms it is deleted with every message in it");
        }
        return risks.isEmpty() ? null : "queue '" + queue + "': " + String.join("; ", risks);
    }

    static String groupQueue(String topic, String group) {
        return topic + "." + group;
    }

    static String deadLetterQueue(String queue) {
        return queue + ".dlq";
    }

    static String retryQueue(String queue) {
        return queue + ".retry";
    }

    boolean isRetained(String topic) {
        return DeadLetterTopics.isDeadLetterTopic(topic) || DeadLetterTopics.isParkedTopic(topic)
                || settings.retainedTopics().contains(topic);
    }

    /** A queue with the bus's arguments, overridden by those configuration gives a queue of that name. */
    private Queue queue(String name, Map<String, Object> args, String configurable) {
        if (configurable != null) {
            args.putAll(configuredArguments(configurable));
        }
        return new Queue(name, true, false, false, args);
    }

    /** {@code eventbus.rabbitmq.topology.queue.<name>.arguments}, empty when not set. */
    private Map<String, Object> configuredArguments(String queue) {
        String key = PREFIX + "queue." + queue + ".arguments";
        return arguments(key, properties.string(key).orElse(""));
    }

    private Map<String, Object> typeArguments() {
        Map<String, Object> args = new LinkedHashMap<>();
        if (settings.queueType() == RabbitMqSettings.QueueType.QUORUM) {
            args.put("x-queue-type", "quorum");
        } else {
            args.put("x-queue-version", 2);
        }
        return args;
    }

    /** {@code x-max-priority=10, x-queue-mode=lazy}: numbers as integers, true/false as booleans. */
    private static Map<String, Object> arguments(String key, String text) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new IllegalArgumentException(key + ": expected name=value pairs but found \"" + pair.trim() + "\"");
            }
            String value = kv[1].trim();
            Object typed = value;
            if (value.matches("-?\\d{1,18}")) {
                long number = Long.parseLong(value);
                typed = number == (int) number ? (Object) (int) number : (Object) number;
            } else if (value.equals("true") || value.equals("false")) {
                typed = Boolean.valueOf(value);
            }
            args.put(kv[0].trim(), typed);
        }
        return args;
    }
}
