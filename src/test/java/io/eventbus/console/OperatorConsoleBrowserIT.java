package io.eventbus.console;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator console in a real browser: the runnable jar's {@code eventbus run} (memory transport, the admin
 * token from an {@code EVENTBUS_HTTP_ADMIN_TOKEN_FILE} secret) is driven through Debian's headless Chromium with
 * Selenium. A slow {@code audit} group's lag shows; the one event the {@code workers} group dead-letters is found by
 * filter, opened, refused a purge without the token, replayed with it, and leaves the list while the worker logs
 * it processed. Screenshots go to {@code target/console-screenshots/}. Fails, never skips, when Chromium or
 * chromedriver is missing ({@code .ci/run} installs them).
 */
class OperatorConsoleBrowserIT {

    private static final Path JAR = Path.of("target/camel-eventbus.jar");
    private static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    private static final String TOKEN = "console-it-token";

    @TempDir
    Path dir;

    private Process run;
    private WebDriver browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (run != null) {
            run.destroy(); // SIGTERM: a graceful stop
            if (!run.waitFor(30, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
        }
    }

    @Test
    void lagShowsAndADeadLetterIsFoundOpenedRefusedAPurgeWithoutTheTokenAndReplayed() throws Exception {
        Path chromium = executable("chromium");
        Path chromedriver = executable("chromedriver");
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package before the integration tests");
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("console.camel.yaml"), """
                # workers process console.orders; an order_broken event fails on its first delivery (a replay, with
                # retry_count 1, passes); audit reads the same events slowly, so its lag shows
                - route:
                    id: orders-worker
                    errorHandler:
                      deadLetterChannel:
                        deadLetterUri: bus:dlq
                        onExceptionOccurredRef: busFailedAttemptHook
                        redeliveryPolicy: {maximumRedeliveries: 2, redeliveryDelay: 100}
                    from:
                      uri: bus:console.orders
                      parameters: {group: workers}
                      steps:
                        - filter:
                            simple: "${header.EventType} == 'order_broken' && ${body.retryCount} == 0"
                            steps:
                              - throwException:
                                  exceptionType: io.eventbus.transport.FatalException
                                  message: "order ${header.EventId} has no customer"
                        - log: "processed ${header.EventId}"
                - route:
                    id: orders-audit
                    from:
                      uri: bus:console.orders
                      parameters: {group: audit}
                      steps:
                        - delay: {constant: "2000"}
                        - log: "audited ${header.EventId}"
                """);
        List<String> events = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            events.add("{\"event_id\":\"order-" + i + "\",\"event_type\":\"" + (i == 7 ? "order_broken" : "order_placed")
                    + "\",\"source\":\"console-it\",\"data\":{\"n\":" + i + "}}");
        }
        Path feed = Files.write(dir.resolve("orders.jsonl"), events);
        Path secret = Files.writeString(dir.resolve("admin_token"), TOKEN + "\n");
        int port = freePort();
        Path log = dir.resolve("run.log");
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", JAR.toAbsolutePath().toString(), "run",
                "--routes", routes.toString(), "--feed", feed.toString(), "--topic", "console.orders",
                "--http-host", "127.0.0.1", "--http-port", String.valueOf(port))
                .redirectError(log.toFile()).redirectOutput(dir.resolve("stdout.log").toFile());
        builder.environment().put("EVENTBUS_HTTP_ADMIN_TOKEN_FILE", secret.toString());
        run = builder.start();

        browser = chrome(chromium, chromedriver);
        Files.createDirectories(SCREENSHOTS);
        String console = "http://127.0.0.1:" + port + "/console";
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(
                URI.create(console + "/api/overview")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        browser.get(console); // redirected to /console/
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !browser.findElements(By.cssSelector("#groups tr[data-group='audit']")).isEmpty());

        // the slow group's lag shows
        await().atMost(Duration.ofSeconds(20)).until(() -> number(text("#groups tr[data-group='audit'] td.lag")) > 0);
        screenshot("1-overview");

        // the dead letter, found by filter
        await().atMost(Duration.ofSeconds(20)).until(() -> text("#topics tr[data-topic='console.orders'] td:nth-child(4)")
                .equals("1"));
        browser.findElement(By.id("f-event-type")).sendKeys("order_broken");
        click("#f-apply");
        await().atMost(Duration.ofSeconds(10)).until(() -> rows("#dlq tbody tr[data-event-id]").equals(List.of("order-7")));
        screenshot("2-filtered");

        // opened: its event and reason
        click("#dlq tr[data-event-id='order-7'] button.open");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("letter")).isDisplayed());
        assertEquals("order-7", text("#letter-id"));
        assertTrue(text("#history").contains("order order-7 has no customer"), text("#history"));
        assertTrue(text("#letter-json").contains("\"event_type\" : \"order_broken\"")
                || text("#letter-json").contains("\"event_type\": \"order_broken\""), text("#letter-json"));
        screenshot("3-opened");

        // a purge without the token is refused, and changes nothing
        browser.findElement(By.id("letter-purge")).click();
        browser.switchTo().alert().accept();
        await().atMost(Duration.ofSeconds(10)).until(() -> text("#message").contains("purge refused: 401"));
        assertTrue(text("#message").contains("X-Eventbus-Token"), text("#message"));
        screenshot("4-purge-refused");
        assertEquals(List.of("order-7"), rows("#dlq tbody tr[data-event-id]"), "the dead letter is still there");

        // replayed with the token: gone from the list, processed by the worker
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.cssSelector("#token-form button")).click();
        browser.findElement(By.id("letter-replay")).click();
        browser.switchTo().alert().accept();
        await().atMost(Duration.ofSeconds(10)).until(() -> text("#message").contains("Replayed 1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> rows("#dlq tbody tr[data-event-id]").isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("processed order-7"));
        await().atMost(Duration.ofSeconds(10)).until(() -> text("#topics tr[data-topic='console.orders'] td:nth-child(4)")
                .equals("0"));
        screenshot("5-replayed");
        String runLog = Files.readString(log);
        assertEquals(30, count(runLog, "processed order-"), "every order processed once, order-7 after its replay:\n"
                + runLog);
        assertTrue(!runLog.contains(TOKEN), "the token is never logged");
    }

    private static ChromeDriver chrome(Path chromium, Path chromedriver) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // without the background-networking flags, Chromium's own calls home fail slowly on a closed network
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1100",
                "--user-data-dir=" + Files.createTempDirectory("console-it-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** The program on the PATH; the test fails, never skips, without it. */
    private static Path executable(String name) {
        Optional<Path> found = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
        assertTrue(found.isPresent(), name + " is not on the PATH: install Debian's chromium and chromium-driver "
                + "(.ci/run does)");
        return found.get();
    }

    /**
     * The element's text, read in one script: the page redraws its tables every few seconds, so an element found
     * first and read after may be gone (stale).
     */
    private String text(String css) {
        Object text = ((JavascriptExecutor) browser).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
        return String.valueOf(text).strip();
    }

    /** The event ids of the dead-letter rows, read in one script. */
    @SuppressWarnings("unchecked")
    private List<String> rows(String css) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(r => r.dataset.eventId);", css);
    }

    /** Clicks the element, finding it again when a redraw replaced it between finding and clicking. */
    private void click(String css) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private static long number(String text) {
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
