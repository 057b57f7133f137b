package io.eventbus.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaRegistryTest {

    private static final Set<String> SHIPPED_EVENT_TYPES = Set.of("raw_listing", "normalized_listing",
            "processed_listing", "fraud_detected", "processing_failed", "FREE_FOOD_EVENT");

    @TempDir
    Path dir;

    @Test
    void loadsEveryShippedSchemaFromTheClasspathAsMajorOne() {
        SchemaRegistry registry = SchemaRegistry.load("classpath:schemas");

        assertTrue(registry.eventTypes().containsAll(SHIPPED_EVENT_TYPES), registry.eventTypes().toString());
        for (String eventType : SHIPPED_EVENT_TYPES) {
            assertEquals(Set.of(1), registry.majorsOf(eventType), eventType);
            assertTrue(registry.schemaFor(eventType, 1).isPresent(), eventType);
        }
    }

    @Test
    void classpathHoldsExactlyTheSchemasOfTheTopLevelSchemasDirectory() {
        SchemaRegistry classpath = SchemaRegistry.load("classpath:schemas");
        SchemaRegistry directory = SchemaRegistry.load("schemas");

        assertEquals(directory.eventTypes(), classpath.eventTypes());
        for (String eventType : directory.eventTypes()) {
            assertEquals(directory.majorsOf(eventType), classpath.majorsOf(eventType), eventType);
        }
    }

    @Test
    void everyShippedSchemaIsDocumentedDraft202012AndOpenToNewFields() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of("schemas"))) {
            files = walk.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        }

        assertEquals(SHIPPED_EVENT_TYPES.size(), files.size(), files.toString());
        for (Path file : files) {
            JsonNode schema = EnvelopeCodec.MAPPER.readTree(file.toFile());
            assertEquals("https://json-schema.org/draft/2020-12/schema", schema.path("$schema").asText(),
                    file.toString());
            assertFalse(schema.path("title").asText().isBlank(), file + " has a title");
            assertFalse(schema.path("description").asText().isBlank(), file + " has a description");
            assertFalse(schema.findValues("additionalProperties").stream().anyMatch(JsonNode::isBoolean),
                    file + " lets producers add fields");
        }
    }

    @Test
    void loadsEventTypeAndMajorFromTheLayoutOfADirectory() throws IOException {
        write("orders/1.json", "{\"type\":\"object\"}");
        write("orders/2.json", "{\"type\":\"object\",\"required\":[\"order_id\"]}");
        write("sales_updated/0.json", "{\"type\":\"array\"}");

        SchemaRegistry registry = SchemaRegistry.load(dir.toString());

        assertEquals(Set.of("orders", "sales_updated"), registry.eventTypes());
        assertEquals(List.of(1, 2), new ArrayList<>(registry.majorsOf("orders")));
        assertEquals(Set.of(0), registry.majorsOf("sales_updated"));
        assertEquals(1, registry.schemaFor("orders", 2).orElseThrow()
                .validate(EnvelopeCodec.MAPPER.createObjectNode()).size());
    }

    @Test
    void ignoresFilesOutsideTheEventTypeMajorLayout() throws IOException {
        write("README.md", "# schemas");
        write("1.json", "{}");
        write("orders/latest.json", "{}");
        write("orders/01.json", "{}");
        write("orders/v2.json", "{}");
        write("orders/notes.txt", "not a schema");
        write("orders/archive/3.json", "{}");

        SchemaRegistry registry = SchemaRegistry.load(dir.toString());

        assertEquals(Set.of(), registry.eventTypes());
    }

    @Test
    void brokenSchemaFileFailsWithAMessageNamingTheFile() throws IOException {
        Path file = write("orders/1.json", "{\"type\": \"object\",");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SchemaRegistry.load(dir.toString()));

        assertEquals("invalid JSON Schema " + file + ": Unexpected end-of-input within/between Object entries\n"
                + " at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, "
                + "column: 19]", e.getMessage());
    }

    @Test
    void emptySchemaFileFailsWithAMessageNamingTheFile() throws IOException {
        Path file = write("orders/1.json", "");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SchemaRegistry.load(dir.toString()));

        assertEquals("invalid JSON Schema " + file + ": a JSON Schema must be an object or a boolean but was empty",
                e.getMessage());
    }

    @Test
    void schemaFileThatIsNotAnObjectFailsWithAMessageNamingTheFile() throws IOException {
        Path file = write("orders/1.json", "[{\"type\":\"object\"}]");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SchemaRegistry.load(dir.toString()));

        assertEquals("invalid JSON Schema " + file + ": a JSON Schema must be an object or a boolean but was an array",
                e.getMessage());
    }

    @Test
    void unresolvableReferenceFailsWhenLoadingNotOnTheFirstEvent() throws IOException {
        Path file = write("orders/1.json",
                "{\"type\":\"object\",\"properties\":{\"total\":{\"$ref\":\"#/$defs/money\"}}}");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SchemaRegistry.load(dir.toString()));

        assertEquals("invalid JSON Schema " + file + ": : Reference /$defs/money cannot be resolved", e.getMessage());
    }

    @Test
    void resolvesLocalReferences() throws IOException {
        write("orders/1.json", """
                {"$defs":{"money":{"type":"number","minimum":0}},
                 "type":"object","properties":{"total":{"$ref":"#/$defs/money"}}}""");

        JsonSchema schema = SchemaRegistry.load(dir.toString()).schemaFor("orders", 1).orElseThrow();

        assertEquals(1, schema.validate(EnvelopeCodec.MAPPER.readTree("{\"total\":-1}")).size());
        assertEquals(0, schema.validate(EnvelopeCodec.MAPPER.readTree("{\"total\":12.5}")).size());
    }

    @Test
    void anAbsentDirectoryIsRefusedRatherThanSilentlyValidatingNothing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchemaRegistry.load("no/such/schemas"));
        assertEquals("JSON Schema location \"no/such/schemas\": not a directory", e.getMessage());
    }

    @Test
    void anAbsentClasspathLocationIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchemaRegistry.load("classpath:no/such/schemas"));
        assertEquals("JSON Schema location \"classpath:no/such/schemas\": nothing on the class path there",
                e.getMessage());
    }

    @Test
    void registerAddsAndReplacesASchemaForOneMajor() throws IOException {
        SchemaRegistry registry = new SchemaRegistry()
                .register("orders", 10, EnvelopeCodec.MAPPER.readTree("{\"type\":\"object\"}"))
                .register("orders", 2, EnvelopeCodec.MAPPER.readTree("{\"type\":\"object\"}"))
                .register("orders", 1, EnvelopeCodec.MAPPER.readTree("{\"type\":\"object\"}"));
        JsonSchema first = registry.schemaFor("orders", 1).orElseThrow();

        registry.register("orders", 1, EnvelopeCodec.MAPPER.readTree("{\"type\":\"array\"}"));

        assertEquals(List.of(1, 2, 10), new ArrayList<>(registry.majorsOf("orders")));
        assertNotSame(first, registry.schemaFor("orders", 1).orElseThrow());
        assertEquals(1, registry.schemaFor("orders", 1).orElseThrow()
                .validate(EnvelopeCodec.MAPPER.createObjectNode()).size());
        assertTrue(registry.schemaFor("orders", 3).isEmpty());
    }

    @Test
    void acceptsBooleanSchemas() throws IOException {
        SchemaRegistry registry = new SchemaRegistry()
                .register("anything", 1, EnvelopeCodec.MAPPER.readTree("true"))
                .register("retired", 1, EnvelopeCodec.MAPPER.readTree("false"));
        JsonNode data = EnvelopeCodec.MAPPER.readTree("{\"any\":\"thing\"}");

        assertEquals(0, registry.schemaFor("anything", 1).orElseThrow().validate(data).size());
        assertEquals(1, registry.schemaFor("retired", 1).orElseThrow().validate(data).size());
    }

    @Test
    void assertsFormatsRatherThanOnlyAnnotatingThem() throws IOException {
        SchemaRegistry registry = new SchemaRegistry().register("meeting", 1, EnvelopeCodec.MAPPER.readTree(
                "{\"properties\":{\"at\":{\"type\":\"string\",\"format\":\"date-time\"}}}"));
        JsonSchema schema = registry.schemaFor("meeting", 1).orElseThrow();

        assertEquals(1, schema.validate(EnvelopeCodec.MAPPER.readTree("{\"at\":\"tomorrow\"}")).size());
        assertEquals(0, schema.validate(EnvelopeCodec.MAPPER.readTree("{\"at\":\"2025-11-02T18:00:00Z\"}")).size());
    }

    private Path write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
