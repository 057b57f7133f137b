package io.eventbus.reload;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.envelope.MajorVersionPolicy;
import io.eventbus.envelope.SchemaRegistry;
import io.eventbus.envelope.ValidationSettings;

class SchemaReloaderTest {

    private static final String EVENT = """
            {"event_id":"e-1","event_type":"order_placed","schema_version":"1.0.0","source":"test",
             "published_at":"2026-12-02T10:00:00Z","data":{"order_id":"o-1"}}""";
    private static final String ANY_ORDER = """
            {"type": "object", "required": ["order_id"]}""";
    private static final String WITH_TOTAL = """
            {"type": "object", "required": ["order_id", "total"]}""";

    @TempDir
    Path schemas;
    private Path schema;
    private final ReloadStatus status = new ReloadStatus();
    private EnvelopeValidator validator;
    private SchemaReloader reloader;

    @BeforeEach
    void loadTheFolder() throws Exception {
        schema = Files.createDirectories(schemas.resolve("order_placed")).resolve("1.json");
        Files.writeString(schema, ANY_ORDER);
        validator = new EnvelopeValidator(new EnvelopeCodec(), SchemaRegistry.load(schemas.toString()),
                new ValidationSettings(ValidationSettings.DEFAULT_MAX_BYTES, MajorVersionPolicy.REJECT, false));
        reloader = new SchemaReloader(schemas, validator, status);
    }

    @Test
    void aChangedSchemaChecksTheNextEvent() throws Exception {
        assertDoesNotThrow(this::read);

        Files.writeString(schema, WITH_TOTAL);
        reloader.scan();

        InvalidEnvelopeException refused = assertThrows(InvalidEnvelopeException.class, this::read);
        assertTrue(refused.getMessage().contains("total"), refused.getMessage());
        assertEquals(1, status.schemaReloads());
        assertEquals(0, status.failures());
    }

    @Test
    void aBrokenSchemaIsRefusedWithItsFileAndTheSchemasBeforeKeepValidating() throws Exception {
        Files.writeString(schema, WITH_TOTAL);
        reloader.scan();
        Files.writeString(schema, "{\"type\": \"object\", \"required\": [\"order_id\"");

        reloader.scan();

        assertEquals(1, status.failures());
        assertTrue(status.lastError().contains("1.json"), status.lastError());
        assertThrows(InvalidEnvelopeException.class, this::read, "the schema loaded before still requires total");
        reloader.scan(); // unchanged since: not tried, nor reported, again
        assertEquals(1, status.failures());
    }

    @Test
    void aNewEventTypesSchemaAndARemovedOneAreSeen() throws Exception {
        Files.delete(schema);
        reloader.scan();
        assertDoesNotThrow(this::read, "no schema for order_placed any more: unchecked, as configured");

        Files.writeString(schema, WITH_TOTAL);
        reloader.scan();
        assertThrows(InvalidEnvelopeException.class, this::read);
        assertEquals(2, status.schemaReloads());
    }

    private void read() throws InvalidEnvelopeException {
        validator.read(EVENT.getBytes(StandardCharsets.UTF_8));
    }
}
