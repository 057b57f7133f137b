package io.eventbus.reload;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Reports hot reload in Camel's health-check registry as {@code eventbus-reload}: always UP, since a refused change
 * leaves the previous routes running, with the counts and the last refusal in its details.
 */
public final class ReloadHealthCheck extends AbstractHealthCheck {

    private final ReloadStatus status;

    public ReloadHealthCheck(ReloadStatus status) {
        super("eventbus", "eventbus-reload");
        this.status = status;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, java.util.Map<String, Object> options) {
        builder.details(status.details());
        builder.up();
    }
}
