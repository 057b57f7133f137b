package io.eventbus.transport.rabbitmq;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * The RabbitMQ every test of this package uses: the local broker on 127.0.0.1:5672 (guest/guest). Its absence
 * fails the tests (never skips them). {@code rabbitmqctl} lists what tests created so they can delete it, and
 * stops and starts the broker application for the recovery tests (the tests run as root).
 */
final class RabbitMqTestBroker {

    static final String URI = "amqp://guest:guest@127.0.0.1:5672";

    private RabbitMqTestBroker() {
    }

    /** A raw client connection, for what the bus does not do (purging, inspecting, deleting). */
    static Connection connect() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(URI);
        try {
            return factory.newConnection("eventbus-tests");
        } catch (java.net.ConnectException e) {
            throw new AssertionError("RabbitMQ is not running on 127.0.0.1:5672 (start it: service rabbitmq-server "
                    + "start); the RabbitMQ tests need the real broker", e);
        }
    }

    /** Deletes every queue and exchange whose name starts with one of the prefixes. */
    static void deleteAll(String... prefixes) throws Exception {
        List<String> queues = rabbitmqctl("list_queues", "-q", "--no-table-headers", "name");
        List<String> exchanges = rabbitmqctl("list_exchanges", "-q", "--no-table-headers", "name");
        try (Connection connection = connect()) {
            for (String queue : queues) {
                if (matches(queue, prefixes)) {
                    try (Channel channel = connection.createChannel()) {
                        channel.queueDelete(queue);
                    }
                }
            }
            for (String exchange : exchanges) {
                if (matches(exchange, prefixes)) {
                    try (Channel channel = connection.createChannel()) {
                        channel.exchangeDelete(exchange);
                    }
                }
            }
        }
    }

    /** Runs rabbitmqctl with the arguments; its standard output as lines. */
    static List<String> rabbitmqctl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(line.trim());
                }
            }
        }
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: "
                    + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return lines;
    }

    private static boolean matches(String name, String... prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
