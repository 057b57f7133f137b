package io.eventbus.transport;

import java.util.Map;

/**
 * A transport's connection as a readiness check reports it.
 *
 * @param connected    whether the broker answered
 * @param latencyMillis how long the probe (a PING, a metadata request, …) took, in milliseconds
 * @param error        why it is not connected, or null
 * @param details      transport-specific figures (server version, topics, …); never secrets
 */
public record TransportHealth(boolean connected, double latencyMillis, String error, Map<String, Object> details) {

    public TransportHealth {
        details = Map.copyOf(details);
    }
}
