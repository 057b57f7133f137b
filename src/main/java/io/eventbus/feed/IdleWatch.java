package io.eventbus.feed;

import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * {@code --until-idle}: stops the run once no exchange is in flight and none has finished (completed or failed)
 * for the idle time. The clock starts only when {@link #start} is called, after the feed was published, so that a
 * slow start (a broker client connecting) or a long feed never counts as idle; Camel Main's own max-idle option
 * starts counting when Camel starts.
 */
public final class IdleWatch extends EventNotifierSupport {

    private final long idleNanos;
    private volatile long lastActivity = System.nanoTime();

    public IdleWatch(int idleSeconds) {
        this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent
                || event instanceof CamelEvent.ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        lastActivity = System.nanoTime();
    }

    /** Watches from now on, in a daemon thread, and runs {@code stop} once idle. */
    public void start(CamelContext context, Runnable stop) {
        lastActivity = System.nanoTime();
        Thread watcher = new Thread(() -> {
            try {
                while (true) {
                    TimeUnit.MILLISECONDS.sleep(100);
                    boolean quiet = context.getInflightRepository().size() == 0
                            && System.nanoTime() - lastActivity >= idleNanos;
                    if (quiet) {
                        stop.run();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "eventbus-until-idle");
        watcher.setDaemon(true);
        watcher.start();
    }
}
