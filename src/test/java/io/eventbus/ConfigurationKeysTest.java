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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.spi.UriParam;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.transport.ConfigKey;
import io.eventbus.transport.EventBusProperties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code application.properties} claims to list every {@code eventbus.*} key with its default and a comment, and the
 * {@code bus} component's catalog to hold every key with a fixed name as a typed option: this keeps both true.
 * <p>
 * The typed settings classes ({@link BusComponent#SETTINGS}) are the source of truth: each {@link ConfigKey} field is
 * a key, its option name is the key without {@code eventbus.}, camel-cased, and its initial value is the default. The
 * keys the code reads otherwise are found in its source, as the string literals that are a whole key
 * ({@code "eventbus.topics."} and the like for keys with a variable part, listed in their documented form
 * {@code eventbus.topics.<topic>.transport}), a prefix constant joined with a literal ({@code PREFIX + "enabled"}), and
 * the property placeholders of the route files ({@code {{eventbus.listings.concurrency:4}}}).
 */
class ConfigurationKeysTest {

    static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final Pattern WHOLE_KEY = Pattern.compile("\"(eventbus\\.[a-z0-9.-]*[a-z0-9])\"");
    private static final Pattern KEY_PREFIX = Pattern.compile("\"(eventbus\\.[a-z0-9.-]*\\.)\"\\s*\\+");
    private static final Pattern PREFIX_CONSTANT = Pattern.compile(
            "static final String (\\w+)\\s*=\\s*\"(eventbus\\.[a-z0-9.-]*\\.)\"");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(eventbus\\.[a-z0-9.-]+)(?::([^}]*))?}}");
    private static final Pattern LISTED = Pattern.compile("^#?\\s*(eventbus\\.[A-Za-z0-9.<>_-]+)\\s*=(.*)$");
    /**
     * Files whose {@code eventbus.*} literals are not configuration keys: the meters' names, the names of the
     * per-instance reply streams and topics.
     */
    private static final Set<String> NOT_KEYS = Set.of("BusMetrics.java", "AwaitingReplies.java");
    /** Keys read only to say they no longer have an effect. */
    private static final Set<String> OBSOLETE = Set.of("eventbus.redis.trim-safely",
            "eventbus.deadletter.admin-enabled");
    /** The component options Camel gives every component, not keys. */
    private static final Set<String> CAMEL_OPTIONS = Set.of("bridgeErrorHandler", "lazyStartProducer",
            "autowiredEnabled", "healthCheckConsumerEnabled", "healthCheckProducerEnabled");

    @Test
    void everyKeyTheCodeReadsIsListedInApplicationProperties() throws IOException {
        Map<String, String> listed = listed();
        Map<String, String> read = keysRead();
        assertTrue(read.size() > 50, "the scan found the keys the code reads: " + read.keySet());
        Map<String, String> unlisted = new TreeMap<>(read);
        unlisted.keySet().removeAll(listed.keySet());
        unlisted.keySet().removeAll(OBSOLETE);
        assertEquals(Map.of(), unlisted, "keys the code reads (key = where) that application.properties does not "
                + "list with their default and a comment");

        Map<String, String> placeholders = placeholderDefaults();
        Map<String, String> otherDefault = new TreeMap<>();
        placeholders.forEach((key, value) -> {
            if (value != null && !value.equals(listed.get(key))) {
                otherDefault.put(key, "route files " + value + ", listed " + listed.get(key));
            }
        });
        assertEquals(Map.of(), otherDefault, "placeholders of the route files whose default differs from the listed");

        List<String> prefixes = keyPrefixesRead();
        List<String> unlistedPrefixes = prefixes.stream()
                .filter(prefix -> listed.keySet().stream().noneMatch(key -> key.startsWith(prefix))).toList();
        assertEquals(List.of(), unlistedPrefixes, "keys with a variable part the code reads (by their fixed start) "
                + "that application.properties does not list in their documented form");
    }

    @Test
    void everyTypedOptionIsListedWithTheDefaultItsSettingsClassDeclares() throws Exception {
        Map<String, String> listed = listed();
        Map<String, String> wrong = new TreeMap<>();
        for (Map.Entry<String, String> option : typedDefaults().entrySet()) {
            String value = listed.get(option.getKey());
            if (!option.getValue().equals(value)) {
                wrong.put(option.getKey(), value == null ? "not listed (default " + option.getValue() + ")"
                        : "listed " + value + ", default " + option.getValue());
            }
        }
        assertEquals(Map.of(), wrong, "typed options application.properties does not list with their default "
                + "(write the default as the value; empty for none; an enum in lower case)");
    }

    @Test
    void everyListedKeyIsReadByTheCodeOrIsATypedOption() throws Exception {
        Set<String> known = new TreeSet<>(typedDefaults().keySet());
        known.addAll(keysRead().keySet());
        known.addAll(placeholderDefaults().keySet());
        List<String> prefixes = keyPrefixesRead();
        List<String> stale = listed().keySet().stream()
                .filter(key -> !known.contains(key) && prefixes.stream().noneMatch(p -> key.startsWith(p) && key
                        .substring(p.length()).contains("<")))
                .toList();
        assertEquals(List.of(), stale, "keys application.properties lists that nothing reads");
    }

    @Test
    void everyListedKeyHasAComment() throws IOException {
        List<String> lines = Files.readAllLines(APPLICATION_PROPERTIES);
        List<String> bare = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (isKeyLine(lines.get(i))) {
                int above = i - 1;
                while (above >= 0 && isKeyLine(lines.get(above))) {
                    above--; // keys listed together share the comment above them
                }
                if (above < 0 || !lines.get(above).startsWith("#")) {
                    bare.add(lines.get(i));
                }
            }
        }
        assertEquals(List.of(), bare, "keys without a comment above them (or above the keys listed with them)");
    }

    @Test
    void theCatalogListsEveryTypedOptionUnderItsKeysNameWithItsDefault() throws Exception {
        JsonNode options;
        try (InputStream json = BusComponent.class.getResourceAsStream("/META-INF/io/eventbus/bus/bus.json")) {
            options = new ObjectMapper().readTree(json).get("componentProperties");
        }
        Map<String, String> wrong = new TreeMap<>();
        Set<String> typedNames = new TreeSet<>();
        for (Class<?> type : BusComponent.SETTINGS) {
            Object defaults = type.getDeclaredConstructor().newInstance();
            for (Field field : EventBusProperties.optionFields(type)) {
                String key = field.getAnnotation(ConfigKey.class).value();
                String name = optionName(key);
                typedNames.add(name);
                JsonNode option = options.get(name);
                if (!field.getName().equals(name)) {
                    wrong.put(key, "field " + field.getName() + " should be named " + name);
                } else if (field.getAnnotation(UriParam.class) == null) {
                    wrong.put(key, "no @UriParam on " + type.getSimpleName() + "." + name);
                } else if (option == null) {
                    wrong.put(key, "not in the catalog as " + name + " (run the build: mvn process-classes)");
                } else if (!catalogDefault(field.get(defaults)).equals(option.path("defaultValue").asText(""))) {
                    wrong.put(key, "catalog default " + option.path("defaultValue") + ", field "
                            + field.get(defaults) + " (@UriParam defaultValue and the initial value must agree)");
                } else if (option.path("description").asText("").isBlank()) {
                    wrong.put(key, "no description (Javadoc on the field)");
                }
            }
        }
        options.fieldNames().forEachRemaining(name -> {
            JsonNode option = options.get(name);
            boolean settingsObject = option.path("javaType").asText().startsWith("io.eventbus.")
                    && !option.has("configurationField");
            if (!typedNames.contains(name) && !CAMEL_OPTIONS.contains(name) && !settingsObject) {
                wrong.put(name, "a component option without a key (@ConfigKey)");
            }
        });
        assertEquals(Map.of(), wrong, "typed options and the catalog (bus.json) disagree");
    }

    /** {@code eventbus.redis.max-len} → {@code redisMaxLen}. */
    static String optionName(String key) {
        String[] words = key.substring("eventbus.".length()).split("[.-]");
        StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return name.toString();
    }

    /** Key to default, as application.properties writes it: empty for none, an enum in lower case. */
    static Map<String, String> typedDefaults() throws Exception {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Class<?> type : BusComponent.SETTINGS) {
            Object settings = type.getDeclaredConstructor().newInstance();
            for (Field field : EventBusProperties.optionFields(type)) {
                Object value = field.get(settings);
                defaults.put(field.getAnnotation(ConfigKey.class).value(), value == null ? ""
                        : value instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : value.toString());
            }
        }
        return defaults;
    }

    private static String catalogDefault(Object value) {
        return value == null ? "" : value instanceof Enum<?> e ? e.name() : value.toString();
    }

    /** Listed key to its value (the default), commented out or not; the first listing of a key counts. */
    static Map<String, String> listed() throws IOException {
        Map<String, String> listed = new TreeMap<>();
        for (String line : Files.readAllLines(APPLICATION_PROPERTIES)) {
            Matcher key = LISTED.matcher(line);
            if (key.matches()) {
                listed.putIfAbsent(key.group(1), key.group(2).trim());
            }
        }
        return listed;
    }

    private static boolean isKeyLine(String line) {
        return LISTED.matcher(line).matches() || (!line.startsWith("#") && line.contains("="));
    }

    /** Key to the first file reading it. */
    static Map<String, String> keysRead() throws IOException {
        Map<String, String> keys = new TreeMap<>();
        for (Path file : javaSources()) {
            keysIn(code(file), file.getFileName().toString(), keys);
        }
        return keys;
    }

    /**
     * The fixed starts of keys with a variable part: {@code "eventbus.topics." + topic + ".transport"}, a prefix
     * constant ({@code "eventbus.subscribers."}), one joined with a literal ({@code PREFIX + "client."}).
     */
    private static List<String> keyPrefixesRead() throws IOException {
        Set<String> prefixes = new TreeSet<>();
        for (Path file : javaSources()) {
            String code = code(file);
            Matcher prefix = KEY_PREFIX.matcher(code);
            while (prefix.find()) {
                prefixes.add(prefix.group(1));
            }
            Matcher constant = PREFIX_CONSTANT.matcher(code);
            while (constant.find()) {
                prefixes.add(constant.group(2));
                Matcher joined = Pattern.compile("\\b" + constant.group(1) + "\\s*\\+\\s*\"([a-z0-9.-]*\\.)\"")
                        .matcher(code);
                while (joined.find()) {
                    prefixes.add(constant.group(2) + joined.group(1));
                }
            }
        }
        return List.copyOf(prefixes);
    }

    /** Placeholder keys of the route files, to their default (null without one). */
    private static Map<String, String> placeholderDefaults() throws IOException {
        Map<String, String> keys = new TreeMap<>();
        for (String root : new String[] { "routes", "src/main/resources", "src/samples/resources" }) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    Matcher placeholder = PLACEHOLDER.matcher(Files.readString(file));
                    while (placeholder.find()) {
                        keys.putIfAbsent(placeholder.group(1), placeholder.group(2));
                    }
                }
            }
        }
        return keys;
    }

    private static List<Path> javaSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        for (String root : new String[] { "src/main/java", "src/samples/java" }) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                files.filter(f -> f.toString().endsWith(".java"))
                        .filter(f -> !NOT_KEYS.contains(f.getFileName().toString())).forEach(sources::add);
            }
        }
        return sources;
    }

    /** The source without its comments' lines. */
    private static String code(Path file) throws IOException {
        StringBuilder code = new StringBuilder();
        for (String line : Files.readString(file).split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("*") && !trimmed.startsWith("//") && !trimmed.startsWith("/*")) {
                code.append(line).append('\n');
            }
        }
        return code.toString();
    }

    private static void keysIn(String code, String file, Map<String, String> keys) {
        Matcher whole = WHOLE_KEY.matcher(code);
        while (whole.find()) {
            keys.putIfAbsent(whole.group(1), file);
        }
        Matcher constant = PREFIX_CONSTANT.matcher(code);
        while (constant.find()) {
            Matcher joined = Pattern.compile("\\b" + constant.group(1) + "\\s*\\+\\s*\"([a-z0-9.-]*[a-z0-9])\"")
                    .matcher(code);
            while (joined.find()) {
                keys.putIfAbsent(constant.group(2) + joined.group(1), file);
            }
        }
    }
}
