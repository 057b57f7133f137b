package io.eventbus.transport.redis.component;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

import io.eventbus.transport.ConfirmationExecutor;
import io.eventbus.transport.redis.streams.RedisStreamsClient;
import io.eventbus.transport.redis.streams.RedisStreamsConfiguration;

/**
 * The {@code redis-streams:} component: append to and consume Redis Streams with consumer groups, on Lettuce. All
 * endpoints of one component share one {@link RedisStreamsClient} (client resources, event loops and one pipelined
 * connection), created when the component starts; each consumer adds one connection for its blocking reads.
 * Appends are confirmed on a {@link ConfirmationExecutor} of the component's, so the route continues off Lettuce's
 * event loop. Options set on the component are the defaults of its endpoints.
 */
@Component("redis-streams")
public class RedisStreamsComponent extends HealthCheckComponent {

    @Metadata(description = "The shared configuration: defaults of every endpoint.")
    private RedisStreamsConfiguration configuration = new RedisStreamsConfiguration();

    private RedisStreamsClient client;
    private ConfirmationExecutor confirmations;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("redis-streams: endpoint needs a stream, e.g. redis-streams:orders (was "
                    + uri + ")");
        }
        RedisStreamsEndpoint endpoint = new RedisStreamsEndpoint(uri, this, remaining, configuration.copy());
        setProperties(endpoint, parameters);
        endpoint.getConfiguration().validate();
        return endpoint;
    }

    /** The shared client, connecting on first use with the component's connection options. */
    public synchronized RedisStreamsClient client() {
        if (client == null) {
            configuration.validate();
            client = RedisStreamsClient.connect(configuration);
        }
        return client;
    }

    /** Where producers complete their appends, created on first use. */
    synchronized ConfirmationExecutor confirmations() {
        if (confirmations == null) {
            confirmations = new ConfirmationExecutor(getCamelContext(), this, "redis-streams-confirmed");
        }
        return confirmations;
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (confirmations != null) {
            confirmations.close();
            confirmations = null;
        }
        if (client != null) {
            client.close();
            client = null;
        }
        super.doStop();
    }

    public RedisStreamsConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(RedisStreamsConfiguration configuration) {
        this.configuration = configuration;
    }
}
