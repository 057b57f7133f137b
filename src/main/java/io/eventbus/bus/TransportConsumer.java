package io.eventbus.bus;

/** A started subscription of one consumer-group member. */
public interface TransportConsumer {

    /** Starts delivering to the handler. */
    void start();

    /**
     * Stops fetching new deliveries. Deliveries already handed to the handler may still be acknowledged or
     * rejected afterwards (graceful shutdown lets in-flight exchanges finish); those never settled are
     * redelivered to another member.
     */
    void stop();
}
