package io.eventbus.transport.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import io.eventbus.transport.EventBusProperties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The eventbus.kafka.* keys become client properties; bad ones fail naming the key; secrets never show. */
class KafkaSettingsTest {

    @Test
    void theBusDeliveryChoicesAreSetAndNativePropertiesPassThrough() {
        KafkaSettings settings = read(Map.of("eventbus.kafka.linger-ms", "10",
                "eventbus.kafka.producer.max.in.flight.requests.per.connection", "3",
                "eventbus.kafka.consumer.session.timeout.ms", "6000",
                "eventbus.kafka.client.client.dns.lookup", "use_all_dns_ips"));
        Properties producer = settings.producerProperties("p");
        assertEquals("all", producer.get("acks"));
        assertEquals("true", producer.get("enable.idempotence"));
        assertEquals("lz4", producer.get("compression.type"));
        assertEquals("10", producer.get("linger.ms"));
        assertEquals("3", producer.get("max.in.flight.requests.per.connection"));
        assertEquals("use_all_dns_ips", producer.get("client.dns.lookup"));
        assertEquals("30000", producer.get("max.block.ms"), "a send waits for metadata no longer than a request");
        Properties consumer = settings.consumerProperties("c", "billing");
        assertEquals("false", consumer.get("enable.auto.commit"));
        assertEquals("none", consumer.get("auto.offset.reset"), "the member, not the client, says where to read");
        assertEquals("billing", consumer.get("group.id"));
        assertEquals("6000", consumer.get("session.timeout.ms"));
        assertEquals("127.0.0.1:9092", consumer.get("bootstrap.servers"));
    }

    @Test
    void propertiesTheDeliveryGuaranteesDependOnAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("eventbus.kafka.consumer.enable.auto.commit", "true")));
        assertTrue(e.getMessage().startsWith("eventbus.kafka.consumer.enable.auto.commit: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("eventbus.kafka.consumer.auto.offset.reset", "latest")));
        assertTrue(e.getMessage().startsWith("eventbus.kafka.consumer.auto.offset.reset: "), e.getMessage());
        assertTrue(e.getMessage().contains("startFrom"), e.getMessage());
    }

    @Test
    void saslCredentialsBecomeAJaasConfigThatIsNeverShown() {
        KafkaSettings settings = read(Map.of("eventbus.kafka.username", "orders",
                "eventbus.kafka.password", "s3cr\"et", "eventbus.kafka.sasl-mechanism", "scram-sha-512"));
        Properties admin = settings.adminProperties("a");
        assertEquals("SASL_SSL", admin.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", admin.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"orders\""
                + " password=\"s3cr\\\"et\";", admin.get("sasl.jaas.config"));
        assertFalse(settings.toString().contains("s3cr"), settings.toString());
    }

    @Test
    void aUsernameWithoutPasswordOrAnUnknownMechanismFailsNamingTheKey() {
        IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("eventbus.kafka.username", "orders")));
        assertTrue(noPassword.getMessage().startsWith("eventbus.kafka.password: "), noPassword.getMessage());
        IllegalArgumentException mechanism = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("eventbus.kafka.username", "orders", "eventbus.kafka.password", "x",
                        "eventbus.kafka.sasl-mechanism", "GSSAPI")));
        assertTrue(mechanism.getMessage().startsWith("eventbus.kafka.sasl-mechanism: "), mechanism.getMessage());
        IllegalArgumentException partitions = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("eventbus.kafka.partitions", "zero")));
        assertTrue(partitions.getMessage().startsWith("eventbus.kafka.partitions: "), partitions.getMessage());
    }

    private static KafkaSettings read(Map<String, String> keys) {
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(keys);
        context.getPropertiesComponent().setInitialProperties(props);
        return KafkaSettings.read(new EventBusProperties(context), new HashMap<>(keys));
    }
}
