package io.eventbus.transport;

import org.apache.camel.CamelContext;

/**
 * Creates a transport from configuration. Found by name through Camel's factory finder at
 * {@code META-INF/services/io/eventbus/transport/<name>} (a {@code class=} line), so a transport module only
 * has to be on the class path; a {@link Transport} bound in the Camel registry as
 * {@code eventbus-transport-<name>} takes precedence.
 */
public interface TransportFactory {

    /** A new transport reading its settings ({@code eventbus.<name>.*}) from {@code settings}. */
    Transport create(CamelContext context, EventBusProperties settings) throws Exception;
}
