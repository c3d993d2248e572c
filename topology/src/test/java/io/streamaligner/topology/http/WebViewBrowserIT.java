package io.streamaligner.topology.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.server.Json;
import io.streamaligner.topology.app.AlignmentApplication;
import io.streamaligner.topology.app.ApplicationPort;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.gateway.GatewayIT;
import io.streamaligner.server.testing.NodeScript;
import io.streamaligner.topology.testing.ScriptedChatServer;
import io.streamaligner.topology.testing.ScriptedUpstreamApplication;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web view in a real headless browser: Debian's {@code chromium} (or {@code $CHROMIUM}) driven by
 * {@code playwright-core} from npm ({@code src/test/js/web-view.mjs}), never a downloaded browser. It asks toy
 * questions of the bundled models until an answer shows a corrected sentence struck through with its correction, and
 * saves a screenshot of the page to {@code target/web-view/web-view.png} ({@code ops/web-view-screenshot.sh} copies
 * it to {@code docs/}); and it shows hostile model text as text. Skipped where node, npm or chromium is missing.
 */
@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class WebViewBrowserIT {

    private static final String PLAYWRIGHT = "playwright-core@1.65.1";
    private static final String SCRIPT = "web-view.mjs";
    /** Sampled answers to a toy question: a few seeds, so that one of them makes a slip the aligner corrects. */
    private static final String ASKS = "[{\"question\": \"What is 23 + 48 - 19?\"}"
            + ", {\"question\": \"What is 36 + 17 - 24?\", \"seed\": 5}"
            + ", {\"question\": \"What is 36 + 17 - 24?\", \"seed\": 6}"
            + ", {\"question\": \"What is 36 + 17 - 24?\", \"seed\": 8}"
            + ", {\"question\": \"What is 36 + 17 - 24?\", \"seed\": 9}]";

    private static NodeScript browser;

    @BeforeAll
    static void installPlaywright() throws Exception {
        assumeTrue(NodeScript.onPath("node") && NodeScript.onPath("npm"), "node and npm are not on the PATH");
        assumeTrue(Files.isExecutable(chromium()), "no chromium at " + chromium() + " (apt install chromium, or set $CHROMIUM)");
        browser = NodeScript.install("web-view", SCRIPT, PLAYWRIGHT);
    }

    @Test
    void shouldShowACorrectedSentenceStruckThroughWithItsCorrection(EmbeddedKafkaBroker broker) throws Exception {
        Path screenshot = Path.of("target", "web-view", "web-view.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        try (AlignmentApplication application = AlignmentApplication.start(GatewayIT.config(broker, "browser"))) {
            String baseUrl = application.http().map(ApplicationPort::baseUrl).orElseThrow();

            Map<String, JsonNode> checks = checks(browser.run(SCRIPT, baseUrl, "aligned", screenshot.toString(), ASKS));

            JsonNode corrected = checks.get("aligned").path("corrected");
            assertThat(corrected.isObject()).as("an answer with a corrected sentence: " + checks).isTrue();
            assertThat(corrected.path("state").asText()).isEqualTo("done");
            JsonNode round = firstStruck(corrected);
            assertThat(round.path("struckStyle").asText()).as("shown struck through").contains("line-through");
            assertThat(round.path("correction").asText()).as("its correction beside it").isNotBlank()
                    .isNotEqualTo(round.path("struck").asText());
            assertThat(round.path("timing").asText()).as("the round's timings").contains("ms");
            assertThat(corrected.path("answer").asText()).as("the answer").contains(round.path("correction").asText().strip());
            assertThat(checks.get("aligned").path("panel").asText()).as("the loop's panel").contains("in flight");
            assertThat(screenshot).isNotEmptyFile();
        }
    }

    @Test
    void shouldShowHostileModelTextAsText(EmbeddedKafkaBroker broker) throws Exception {
        try (ScriptedChatServer upstreamServer = new ScriptedChatServer()) {
            upstreamServer.answer("hostile", GatewayIT.HOSTILE_SENTENCE, GatewayIT.HOSTILE_ENTITIES);
            try (ScriptedUpstreamApplication application =
                         ScriptedUpstreamApplication.start(GatewayIT.config(broker, "browser-hostile"), upstreamServer)) {

                Map<String, JsonNode> checks = checks(browser.run(SCRIPT, application.baseUrl(), "hostile", "hostile"));

                JsonNode card = checks.get("hostile").path("card");
                assertThat(card.path("state").asText()).isEqualTo("done");
                JsonNode struck = firstStruck(card);
                assertThat(struck.path("struck").asText()).as("the markup, as text").isEqualTo(GatewayIT.HOSTILE_SENTENCE);
                assertThat(struck.path("correction").asText().strip())
                        .isEqualTo(ScriptedAligner.correct(GatewayIT.HOSTILE_SENTENCE));
                assertThat(card.path("answer").asText()).as("entities shown as written, not decoded")
                        .contains(GatewayIT.HOSTILE_ENTITIES);
                List<String> elements = Json.MAPPER.convertValue(card.path("elementsInCard"),
                        Json.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
                assertThat(elements).as("no element came from model text").doesNotContain("script", "img", "b");
                assertThat(card.path("pwned").isNull()).as("no model text ran").isTrue();
            }
        }
    }

    private static Path chromium() {
        String configured = System.getenv("CHROMIUM");
        return Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
    }

    private static JsonNode firstStruck(JsonNode card) {
        for (JsonNode round : card.path("rounds")) {
            if (!round.path("struck").isNull()) {
                return round;
            }
        }
        throw new AssertionError("no sentence shown struck through: " + card);
    }

    /** The script's JSON lines by check; the script must have ended well, with no page or console error. */
    private static Map<String, JsonNode> checks(NodeScript.Result result) {
        assertThat(result.exitCode()).as(result.output()).isZero();
        Map<String, JsonNode> checks = new HashMap<>();
        result.output().lines().filter(line -> line.startsWith("{\"check\"")).forEach(line -> {
            try {
                JsonNode check = Json.MAPPER.readTree(line);
                checks.put(check.path("check").asText(), check);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(checks.get("failures").path("failures")).as(result.output()).isEmpty();
        return checks;
    }
}
