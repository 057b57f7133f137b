package io.eventbus.bench;

import java.util.function.IntConsumer;

import io.eventbus.envelope.Envelope;

/**
 * One row's application: what publishes the bench events to a broker and what consumes them, written the way a user
 * of that client or component would write it, with the guarantee the row states (for the peers of the bus:
 * at-least-once, the ack or commit only after the processing). {@link ClosedLoopRun} drives it as fast as it goes,
 * {@link FixedRateRun} at a fixed rate; both with the same events.
 * <p>
 * A pipeline serves one run: {@link #start} once, then publishes, then {@link #close}.
 */
interface EventPipeline extends AutoCloseable {

    /** The row's stable name in the report and the JSON. */
    String key();

    /** What the row is, for people. */
    String label();

    /** Publisher threads a full-speed run uses: the same for every row of a benchmark, as the bus's route has. */
    int publishers();

    /**
     * Declares what the row needs under this name (topic, queue, stream), starts consuming and returns once the
     * consumer is ready, so that no event published afterwards is missed.
     *
     * @param processed told each event's sequence number once the consumer has processed it (parsed the envelope's
     *                  JSON), before it acknowledges or commits it; possibly more than once per event, from any thread
     */
    void start(String topic, IntConsumer processed) throws Exception;

    /**
     * Publishes one event, writing it to JSON as part of the work. Blocks only while the row's window of unconfirmed
     * publishes is full (or, for a client that confirms each publish on the calling thread, until it is confirmed).
     * Thread-safe.
     *
     * @param confirmed run once the broker has confirmed this publish
     */
    void publish(int seq, Envelope event, Runnable confirmed) throws Exception;

    /** Waits until every publish so far is confirmed; throws the first failure. */
    void awaitConfirmed() throws Exception;

    /** Stops consuming, closes the connections and deletes what {@link #start} declared. */
    @Override
    void close() throws Exception;
}
