package io.eventbus.transport.redis.component;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import io.eventbus.transport.redis.streams.StreamPublisher;

/**
 * Appends the message as a stream entry: the body (as bytes) in the body field, plus the fields of the
 * {@code RedisStreamsFields} header. Asynchronous: the exchange continues when Redis has appended the entry, with
 * its id in {@code RedisStreamsEntryId}, on the component's {@link io.eventbus.transport.ConfirmationExecutor} (not on
 * Lettuce's event loop, where a blocking call later in the route would wait for a reply that loop has to read);
 * meanwhile the thread is free and concurrent sends share one pipelined connection.
 */
public class RedisStreamsProducer extends DefaultAsyncProducer {

    private final RedisStreamsEndpoint endpoint;
    private StreamPublisher publisher;

    public RedisStreamsProducer(RedisStreamsEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        publisher = new StreamPublisher(endpoint.getComponent().client(), endpoint.getConfiguration());
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Map<String, byte[]> fields;
        try {
            fields = fieldsOf(exchange.getIn());
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        String stream = endpoint.getStream();
        // completed off Lettuce's event loop: the route continues there and may block on another Redis reply
        endpoint.getComponent().client().within(publisher.publish(stream, fields),
                        endpoint.getConfiguration().getPublishTimeout())
                .whenCompleteAsync((id, failure) -> {
                    if (failure != null) {
                        exchange.setException(failure);
                    } else {
                        exchange.getMessage().setHeader(RedisStreamsConstants.ENTRY_ID, id);
                        exchange.getMessage().setHeader(RedisStreamsConstants.STREAM, stream);
                    }
                    callback.done(false);
                }, endpoint.getComponent().confirmations());
        return false;
    }

    private Map<String, byte[]> fieldsOf(Message in) throws Exception {
        byte[] body = in.getBody() instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                : in.getMandatoryBody(byte[].class);
        Map<String, byte[]> fields = new LinkedHashMap<>();
        fields.put(endpoint.getConfiguration().getBodyField(), body);
        Map<?, ?> extra = in.getHeader(RedisStreamsConstants.FIELDS, Map.class);
        if (extra != null) {
            extra.forEach((name, value) -> {
                if (name != null && value != null && !name.equals(endpoint.getConfiguration().getBodyField())) {
                    fields.put(name.toString(), value instanceof byte[] bytes ? bytes
                            : value.toString().getBytes(StandardCharsets.UTF_8));
                }
            });
        }
        return fields;
    }
}
