package io.eventbus.transport.redis.component;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import io.eventbus.transport.redis.streams.RedisStreamsConfiguration;

/**
 * Append entries to a Redis stream ({@code XADD} with retention) or consume it as a member of a consumer group
 * ({@code XREADGROUP}, {@code XACK} when the exchange completes, redelivery of failed entries, {@code XAUTOCLAIM} of
 * entries left by dead members).
 * <p>
 * The message body is one field of the entry ({@code bodyField}, default {@code envelope}: the event bus wire
 * format, so {@code redis-streams:} and {@code bus:} over Redis interoperate); other fields travel in the
 * {@code RedisStreamsFields} header.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "redis-streams", title = "Redis Streams", syntax = "redis-streams:stream",
             category = { Category.MESSAGING }, headersClass = RedisStreamsConstants.class)
public class RedisStreamsEndpoint extends DefaultEndpoint {

    @UriPath(description = "The stream (Redis key), e.g. orders.")
    @Metadata(required = true)
    private String stream;

    @UriParam
    private RedisStreamsConfiguration configuration;

    public RedisStreamsEndpoint(String uri, RedisStreamsComponent component, String stream,
            RedisStreamsConfiguration configuration) {
        super(uri, component);
        this.stream = stream;
        this.configuration = configuration;
    }

    @Override
    public RedisStreamsComponent getComponent() {
        return (RedisStreamsComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new RedisStreamsProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        RedisStreamsConsumer consumer = new RedisStreamsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public String getStream() {
        return stream;
    }

    public void setStream(String stream) {
        this.stream = stream;
    }

    public RedisStreamsConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(RedisStreamsConfiguration configuration) {
        this.configuration = configuration;
    }
}
