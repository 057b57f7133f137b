package io.eventbus.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Publishes through a {@code bus:} endpoint's asynchronous producer with up to {@code maxInFlight} publishes
 * awaiting the broker's confirmation, as a route's {@code to()} would for concurrent exchanges and as the raw
 * clients' own performance tools do (they keep sends in flight instead of waiting for each). A failed publish
 * fails the run.
 */
final class AsyncSender implements AutoCloseable {

    private final Producer producer;
    private final AsyncProcessor processor;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    AsyncSender(CamelContext context, String uri, int maxInFlight) throws Exception {
        Endpoint endpoint = context.getEndpoint(uri);
        this.producer = endpoint.createProducer();
        ServiceHelper.startService(producer);
        this.processor = AsyncProcessorConverterHelper.convert(producer);
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
    }

    /** Sends the body; blocks only while {@code maxInFlight} publishes are unconfirmed. */
    void send(Object body, Runnable onConfirmed) throws InterruptedException {
        send(body, java.util.Map.of(), onConfirmed);
    }

    /** Sends the body with the headers; blocks only while {@code maxInFlight} publishes are unconfirmed. */
    void send(Object body, java.util.Map<String, Object> headers, Runnable onConfirmed) throws InterruptedException {
        inFlight.acquire();
        Exchange exchange = producer.getEndpoint().createExchange();
        exchange.getIn().setBody(body);
        exchange.getIn().setHeaders(new java.util.HashMap<>(headers));
        processor.process(exchange, doneSync -> {
            if (exchange.getException() != null) {
                failure.compareAndSet(null, exchange.getException());
            } else {
                onConfirmed.run();
            }
            inFlight.release();
        });
    }

    /** Waits until every publish was confirmed; throws the first failure. */
    void awaitConfirmed() throws Exception {
        if (!inFlight.tryAcquire(maxInFlight, 10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("publishes still unconfirmed after 10 minutes");
        }
        inFlight.release(maxInFlight);
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    @Override
    public void close() throws Exception {
        ServiceHelper.stopService(producer);
    }
}
