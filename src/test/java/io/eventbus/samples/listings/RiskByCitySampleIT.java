package io.eventbus.samples.listings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.eventbus.samples.listings.RawListingSampleGenerator.EXPECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java DSL sample route, {@code samples/listings/java/RiskByCity.java}, run as the listings README says: from the
 * packaged jar, whose compile class path is the jar itself (the route imports Camel, Jackson and the bus's
 * {@code Envelope} from it), in one route folder with the pipeline. The pipeline's figures are unchanged, the Java
 * route reads every processed listing and logs each high-risk one, those alerted on {@code fraud.detected}.
 */
class RiskByCitySampleIT {

    private static final Path JAR = Path.of("target/camel-eventbus.jar");
    private static final Pattern HIGH_RISK = Pattern.compile("high-risk listing (\\S+) in .+ \\(score ([0-9.]+)\\)");

    @TempDir
    Path dir;

    @Test
    void theJavaRouteCompilesInTheJarAndLogsEveryHighRiskListingBesideThePipeline() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package before the integration tests");
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.copy(Path.of("routes/listings.camel.yaml"), routes.resolve("listings.camel.yaml"));
        Files.copy(Path.of("samples/listings/java/RiskByCity.java"), routes.resolve("RiskByCity.java"));
        Path stdout = dir.resolve("stdout.log");
        Path stderr = dir.resolve("stderr.log");
        Process process = new ProcessBuilder("java", "-jar", JAR.toAbsolutePath().toString(), "run", "--routes",
                routes.toString(), "--feed", "samples/listings/raw.jsonl", "--topic", "listings.raw", "--until-idle",
                "--idle-seconds", "5", "--http-port", "0")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            assertTrue(process.waitFor(300, TimeUnit.SECONDS), "stopped once idle");
        } finally {
            process.destroyForcibly();
        }
        List<String> log = Files.readAllLines(stderr);
        assertEquals(0, process.exitValue(), String.join("\n", log));
        List<String> out = Files.readAllLines(stdout);
        JsonNode summary = new ObjectMapper().readTree(out.get(out.size() - 1));

        assertEquals(EXPECTED.published(), summary.get("published").asInt(), summary.toString());
        assertEquals(EXPECTED.processed(), summary.get("processed").asInt(), summary.toString());
        assertEquals(EXPECTED.deadLettered(), summary.get("dead_lettered").asInt(), summary.toString());
        assertEquals(EXPECTED.deduplicated(), summary.get("deduplicated").asInt(), summary.toString());
        assertEquals(EXPECTED.processed(), summary.get("by_topic").get("listings.processed").get("processed").asInt(),
                "the Java route read every processed listing: " + summary);
        List<Matcher> highRisk = log.stream().map(HIGH_RISK::matcher).filter(Matcher::find).toList();
        Set<String> listings = highRisk.stream().map(m -> m.group(1)).collect(Collectors.toSet());
        assertEquals(EXPECTED.fraudDetected(), highRisk.size(), "one line per high-risk listing");
        assertEquals(EXPECTED.fraudDetected(), listings.size(), "each listing once: " + listings);
        assertTrue(highRisk.stream().allMatch(m -> Double.parseDouble(m.group(2)) >= 0.6), listings.toString());
    }
}
