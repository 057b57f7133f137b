package io.eventbus.transport.kafka;

import java.util.concurrent.CountDownLatch;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A standalone single-node KRaft broker for the CLI, the samples and the benchmark, run by
 * {@code scripts/kafka-broker}: the same Kafka 3.9.1 jars as the tests, listening on 127.0.0.1 (port 9092 unless
 * given as the first argument), data in a temporary directory that goes with the process. Runs until interrupted.
 */
public final class LocalKafkaBroker {

    private LocalKafkaBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
        EmbeddedKafkaKraftBroker broker = KafkaTestBroker.start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.destroy();
            stopped.countDown();
        }, "kafka-broker-stop"));
        System.out.println("Kafka broker ready on " + broker.getBrokersAsString() + " (Ctrl-C stops it)");
        stopped.await();
    }
}
