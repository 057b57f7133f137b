package io.eventbus.transport.redis;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import io.eventbus.transport.redis.component.RedisStreamsConstants;

/**
 * A group member in its own JVM, for {@link DeadMemberEntriesAreClaimedIT}, which kills it: reads batches of 50
 * and processes one entry every 50 ms, printing {@code DONE <entry id>} when it is done with one, before the
 * exchange completes and acknowledges it.
 * Arguments: stream, group, consumer name.
 */
public final class ChildStreamConsumer {

    private ChildStreamConsumer() {
    }

    public static void main(String[] args) throws Exception {
        String stream = args[0];
        String group = args[1];
        String consumer = args[2];
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("redis-streams:" + stream + "?group=" + group + "&consumer=" + consumer + "&count=50")
                        .routeId("child")
                        .delay(50).syncDelayed()
                        // printed before the exchange completes, so before the XACK: a printed entry may be
                        // processed twice, never acknowledged unseen
                        .process(e -> {
                            System.out.println("DONE " + e.getIn().getHeader(RedisStreamsConstants.ENTRY_ID));
                            System.out.flush();
                        });
            }
        });
        context.start();
        System.out.println("STARTED");
        System.out.flush();
        Thread.currentThread().join();
    }
}
