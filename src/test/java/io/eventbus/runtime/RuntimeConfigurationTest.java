package io.eventbus.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration sources: secrets from {@code _FILE} variables, command-line overrides, the --config file. */
class RuntimeConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void aSecretFileVariableSetsItsKeyWithoutTheTrailingNewline() throws Exception {
        Path secret = Files.writeString(dir.resolve("redis_password"), "s3cr3t\n");
        Properties overrides = new RuntimeConfiguration(null, Map.of(),
                Map.of("EVENTBUS_REDIS_PASSWORD_FILE", secret.toString(), "PATH", "/usr/bin")).overrideProperties();
        assertEquals("s3cr3t", overrides.getProperty("eventbus.redis.password"));
        assertEquals(1, overrides.size());
    }

    @Test
    void aDashedKeyKnownToTheConfigFileIsMatchedByItsVariable() throws Exception {
        Path config = Files.writeString(dir.resolve("app.properties"), "eventbus.kafka.sasl-jaas-config = none\n");
        Path secret = Files.writeString(dir.resolve("jaas"), "org.apache.kafka...;");
        Properties overrides = new RuntimeConfiguration(config, Map.of(),
                Map.of("EVENTBUS_KAFKA_SASL_JAAS_CONFIG_FILE", secret.toString())).overrideProperties();
        assertEquals("org.apache.kafka...;", overrides.getProperty("eventbus.kafka.sasl-jaas-config"));
    }

    @Test
    void aDashedKeyOfATypedOptionIsMatchedByItsVariableWithoutAnyFileSettingIt() throws Exception {
        Path secret = Files.writeString(dir.resolve("sentinel"), "s3ntinel\n");
        Properties overrides = new RuntimeConfiguration(null, Map.of(),
                Map.of("EVENTBUS_REDIS_SENTINEL_PASSWORD_FILE", secret.toString())).overrideProperties();
        assertEquals("s3ntinel", overrides.getProperty("eventbus.redis.sentinel-password"));
        assertEquals(1, overrides.size());
    }

    @Test
    void anUnreadableSecretFileFailsNamingTheVariableNotTheSecret() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RuntimeConfiguration(null, Map.of(),
                        Map.of("EVENTBUS_RABBITMQ_PASSWORD_FILE", dir.resolve("missing").toString())).overrideProperties());
        assertTrue(e.getMessage().startsWith("EVENTBUS_RABBITMQ_PASSWORD_FILE: cannot read the secret file "),
                e.getMessage());
    }

    @Test
    void commandLineOverridesWinOverSecretsAndFiles() throws Exception {
        Path secret = Files.writeString(dir.resolve("t"), "redis");
        Properties overrides = new RuntimeConfiguration(null, Map.of("eventbus.transport", "kafka"),
                Map.of("EVENTBUS_TRANSPORT_FILE", secret.toString())).overrideProperties();
        assertEquals("kafka", overrides.getProperty("eventbus.transport"));
    }

    @Test
    void theConfigFileOverridesThePackagedDefaults() {
        RuntimeConfiguration configuration = new RuntimeConfiguration(dir.resolve("app.properties"), Map.of(), Map.of());
        assertEquals("file:" + dir.resolve("app.properties").toAbsolutePath() + ",classpath:application.properties",
                configuration.locations());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, configuration::checkReadable);
        assertEquals("--config " + dir.resolve("app.properties") + ": file not found or not readable", e.getMessage());
        assertFalse(new RuntimeConfiguration(null, Map.of(), Map.of()).locations().contains("file:"));
    }
}
