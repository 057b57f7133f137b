package io.eventbus.routing;

import java.nio.file.Path;

import io.eventbus.bus.BusConstants;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * The YAML route of {@code routing/recipient-list.camel.yaml} publishes through the routing table of
 * {@code routing/routing.yaml}; {@code mock:} stands in for {@code bus:}.
 */
class RoutingTableRecipientListTest extends CamelTestSupport {

    private static final String ROUTE = "classpath:routing/recipient-list.camel.yaml";
    private static final String EVENT = "{\"event_type\":\"bom_exploded\"}";

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        Path file = Path.of(getClass().getResource("/routing/routing.yaml").toURI());
        registry.bind("routingTable", RoutingTable.load(file, RoutingTable.DEFAULT_CHECK_INTERVAL, "mock:"));
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        Resource route = ResourceHelper.resolveMandatoryResource(context, ROUTE);
        return PluginHelper.getRoutesLoader(context).findRoutesBuilders(route).toArray(RoutesBuilder[]::new);
    }

    @Test
    void publishesAnEventToEveryTopicOfItsType() throws Exception {
        getMockEndpoint("mock:bom-exploded").expectedBodiesReceived(EVENT);
        getMockEndpoint("mock:bom-exploded").expectedHeaderReceived(BusConstants.EVENT_TYPE, "bom_exploded");
        getMockEndpoint("mock:audit").expectedBodiesReceived(EVENT);
        getMockEndpoint("mock:features-updates").expectedMessageCount(0);
        getMockEndpoint("mock:unroutable").expectedMessageCount(0);

        template.sendBodyAndHeader("direct:in", EVENT, BusConstants.EVENT_TYPE, "bom_exploded");

        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void publishesAnEventToTheSingleTopicOfItsType() throws Exception {
        getMockEndpoint("mock:features-updates").expectedBodiesReceived("features");
        getMockEndpoint("mock:bom-exploded").expectedMessageCount(0);
        getMockEndpoint("mock:unroutable").expectedMessageCount(0);

        template.sendBodyAndHeader("direct:in", "features", BusConstants.EVENT_TYPE, "features_updated");

        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void publishesAnEventOfUnknownTypeToTheUnroutableTopic() throws Exception {
        getMockEndpoint("mock:unroutable").expectedBodiesReceived("order");
        getMockEndpoint("mock:unroutable").expectedHeaderReceived(BusConstants.EVENT_TYPE, "order_placed");
        getMockEndpoint("mock:features-updates").expectedMessageCount(0);
        getMockEndpoint("mock:bom-exploded").expectedMessageCount(0);

        template.sendBodyAndHeader("direct:in", "order", BusConstants.EVENT_TYPE, "order_placed");

        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void publishesAnEventWithoutTypeToTheUnroutableTopic() throws Exception {
        getMockEndpoint("mock:unroutable").expectedBodiesReceived("untyped");

        template.sendBody("direct:in", "untyped");

        MockEndpoint.assertIsSatisfied(context);
    }
}
