package io.eventbus.runtime;

import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.eventbus.deadletter.DeadLetterJson;
import io.eventbus.deadletter.DeadLetters;

/**
 * What every {@code eventbus dlq} command shares: the bus options ({@code --config}, {@code --transport}), the
 * topic, {@code --json}, and a short-lived context whose {@code bus} component reaches the topic's broker.
 */
abstract class DlqSubcommand implements Callable<Integer> {

    @Mixin
    BusOptions bus;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC",
            description = "The topic whose dead letters (TOPIC.dlq) to read; TOPIC.dlq or TOPIC.parked is read itself.")
    String topic;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public final Integer call() throws Exception {
        checkArguments();
        try (ToolContext tool = ToolContext.start(bus.configuration())) {
            tool.requireSharedTransport("eventbus dlq", topic);
            DeadLetters deadLetters = new DeadLetters(tool.bus());
            return run(deadLetters, new DeadLetterJson(tool.bus().getValidator().codec(),
                    tool.bus().dataReader()));
        }
    }

    /** Fails on a wrong combination of options before anything connects to a broker. */
    void checkArguments() {
    }

    /** Does the command's work and prints its result; returns the exit code. */
    abstract int run(DeadLetters deadLetters, DeadLetterJson json) throws Exception;
}
