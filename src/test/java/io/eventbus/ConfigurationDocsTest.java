package io.eventbus;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.spi.Metadata;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.transport.ConfigKey;
import io.eventbus.transport.EventBusProperties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The key tables of the documentation come from the typed options, so they cannot drift: between
 * {@code <!-- options: NAME -->} and {@code <!-- end of options -->} a page under {@code docs/} holds the table of
 * the settings the {@code bus} component keeps in its field {@code NAME} ({@code settings}, {@code memory},
 * {@code redis}, {@code rabbitmq}, {@code kafka}): each key with its option, its default and the description of the
 * catalog (the field's Javadoc). This test fails when a table is not what the settings classes give; run it with
 * {@code -Deventbus.docs.write=true} to rewrite the tables.
 * <p>
 * It also fails when a key {@code application.properties} lists appears on no page.
 */
class ConfigurationDocsTest {

    private static final Path DOCS = Path.of("docs");
    private static final Pattern TABLE = Pattern.compile(
            "(<!-- options: (\\w+) -->\\n)(.*?)(<!-- end of options -->)", Pattern.DOTALL);
    private static final boolean WRITE = Boolean.getBoolean("eventbus.docs.write");

    @Test
    void theKeyTablesAreWhatTheTypedOptionsGive() throws Exception {
        Map<String, String> tables = tables();
        Map<String, Integer> found = new TreeMap<>();
        Map<String, String> stale = new TreeMap<>();
        for (Path page : pages()) {
            String text = Files.readString(page);
            Matcher table = TABLE.matcher(text);
            StringBuilder rewritten = new StringBuilder();
            while (table.find()) {
                String name = table.group(2);
                found.merge(name, 1, Integer::sum);
                String wanted = tables.get(name);
                if (wanted == null) {
                    stale.put(page + " " + name, "no settings of that name; known: " + tables.keySet());
                    continue;
                }
                if (!wanted.equals(table.group(3))) {
                    stale.put(page + " " + name, "differs from the typed options");
                }
                table.appendReplacement(rewritten, Matcher.quoteReplacement(table.group(1) + wanted + table.group(4)));
            }
            table.appendTail(rewritten);
            if (WRITE && !rewritten.toString().equals(text)) {
                Files.writeString(page, rewritten.toString());
            }
        }
        Map<String, Integer> once = new TreeMap<>();
        tables.keySet().forEach(name -> once.put(name, 1));
        assertEquals(once, found, "every settings' table is on exactly one page");
        if (!WRITE) {
            assertEquals(Map.of(), stale, "key tables that are not what the settings classes give: run "
                    + "mvn -o test -Dtest=ConfigurationDocsTest -Deventbus.docs.write=true to rewrite them");
        }
    }

    @Test
    void everyListedKeyIsOnAPage() throws Exception {
        StringBuilder docs = new StringBuilder();
        for (Path page : pages()) {
            docs.append(Files.readString(page));
        }
        List<String> missing = ConfigurationKeysTest.listed().keySet().stream()
                .filter(key -> !docs.toString().contains("`" + key + "`")).toList();
        assertEquals(List.of(), missing, "keys application.properties lists that no page under docs/ names");
    }

    /** Name of the component's settings field to its table. */
    private static Map<String, String> tables() throws Exception {
        JsonNode options;
        try (InputStream json = BusComponent.class.getResourceAsStream("/META-INF/io/eventbus/bus/bus.json")) {
            options = new ObjectMapper().readTree(json).get("componentProperties");
        }
        Map<String, String> tables = new LinkedHashMap<>();
        for (Field holder : BusComponent.class.getDeclaredFields()) {
            if (!BusComponent.SETTINGS.contains(holder.getType()) || !holder.isAnnotationPresent(Metadata.class)) {
                continue;
            }
            Object defaults = holder.getType().getDeclaredConstructor().newInstance();
            StringBuilder table = new StringBuilder("| key | option | default | meaning |\n|---|---|---|---|\n");
            for (Field field : grouped(EventBusProperties.optionFields(holder.getType()))) {
                String key = field.getAnnotation(ConfigKey.class).value();
                JsonNode option = options.get(field.getName());
                String description = option == null ? "(not in the catalog: run mvn process-classes)"
                        : option.path("description").asText();
                table.append("| `").append(key).append("` | `").append(field.getName()).append("` | ")
                        .append(shown(field.get(defaults))).append(" | ").append(escaped(description)).append(" |\n");
            }
            tables.put(holder.getName(), table.toString());
        }
        return tables;
    }

    /** The fields in their order, except that keys of one group ({@code eventbus.deadletter.*}) stay together. */
    private static List<Field> grouped(List<Field> fields) {
        Map<String, List<Field>> groups = new LinkedHashMap<>();
        for (Field field : fields) {
            String key = field.getAnnotation(ConfigKey.class).value();
            String[] parts = key.split("\\.");
            groups.computeIfAbsent(parts.length > 2 ? parts[1] : key, g -> new ArrayList<>()).add(field);
        }
        return groups.values().stream().flatMap(List::stream).toList();
    }

    private static String shown(Object value) {
        if (value == null) {
            return "–";
        }
        if (value instanceof Enum<?> e) {
            return "`" + e.name().toLowerCase(Locale.ROOT) + "`";
        }
        return value instanceof String ? "`" + value + "`" : value.toString();
    }

    private static String escaped(String description) {
        return description.replace("|", "\\|").replace("<", "&lt;");
    }

    private static List<Path> pages() throws IOException {
        try (Stream<Path> files = Files.walk(DOCS)) {
            return files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
        }
    }
}
