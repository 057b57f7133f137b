package io.eventbus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code application.properties} claims to list every {@code eventbus.*} key with its default: this keeps it true.
 * The keys the code reads are found in its source, as the string literals that are a whole key
 * ({@code "eventbus.reload.interval"}) and as a prefix constant joined with a literal
 * ({@code PREFIX + "max-len"}, {@code PREFIX} being {@code "eventbus.redis."}); keys with a variable part
 * ({@code eventbus.topics.<topic>.transport}) are listed in their documented form and not checked here.
 */
class ConfigurationKeysTest {

    private static final Pattern WHOLE_KEY = Pattern.compile("\"(eventbus\\.[a-z0-9.-]*[a-z0-9])\"");
    private static final Pattern PREFIX_CONSTANT = Pattern.compile(
            "static final String (\\w+)\\s*=\\s*\"(eventbus\\.[a-z0-9.-]*\\.)\"");
    private static final Pattern LISTED = Pattern.compile("^#?\\s*(eventbus\\.[A-Za-z0-9.<>-]+)\\s*=",
            Pattern.MULTILINE);
    /** Files whose {@code eventbus.*} literals are not configuration keys: the meters' names. */
    private static final Set<String> NOT_KEYS = Set.of("BusMetrics.java");
    /** Keys read only to say they no longer have an effect. */
    private static final Set<String> OBSOLETE = Set.of("eventbus.redis.trim-safely");

    @Test
    void everyKeyTheCodeReadsIsListedInApplicationProperties() throws IOException {
        Set<String> listed = new TreeSet<>();
        Matcher listing = LISTED.matcher(Files.readString(Path.of("src/main/resources/application.properties")));
        while (listing.find()) {
            listed.add(listing.group(1));
        }
        Map<String, String> read = keysRead();
        assertTrue(read.size() > 50, "the scan found the keys the code reads: " + read.keySet());
        Map<String, String> unlisted = new TreeMap<>(read);
        unlisted.keySet().removeAll(listed);
        unlisted.keySet().removeAll(OBSOLETE);
        assertEquals(Map.of(), unlisted, "keys the code reads (key = where) that application.properties does not "
                + "list with their default and a comment");
    }

    /** Key to the first file reading it. */
    private static Map<String, String> keysRead() throws IOException {
        Map<String, String> keys = new TreeMap<>();
        for (String root : new String[] { "src/main/java", "src/samples/java" }) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    if (!NOT_KEYS.contains(file.getFileName().toString())) {
                        keysIn(Files.readString(file), file.getFileName().toString(), keys);
                    }
                }
            }
        }
        return keys;
    }

    private static void keysIn(String source, String file, Map<String, String> keys) {
        StringBuilder code = new StringBuilder();
        for (String line : source.split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("*") && !trimmed.startsWith("//") && !trimmed.startsWith("/*")) {
                code.append(line).append('\n');
            }
        }
        Matcher whole = WHOLE_KEY.matcher(code);
        while (whole.find()) {
            if (!whole.group(1).endsWith(".")) {
                keys.putIfAbsent(whole.group(1), file);
            }
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
