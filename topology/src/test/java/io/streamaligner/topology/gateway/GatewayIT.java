package io.streamaligner.topology.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.topology.app.AlignmentApplication;
import io.streamaligner.topology.app.ApplicationPort;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.gateway.ServerSentEvents.Event;
import io.streamaligner.topology.testing.ScriptedChatServer;
import io.streamaligner.topology.testing.ScriptedUpstreamApplication;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway end to end: {@code POST /v1/align} on the application's HTTP port, the prompt through the embedded
 * broker, the loop's events back as server-sent events, in order, with exactly one {@code final}; and a replay of the
 * same request.
 */
@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
public class GatewayIT {

    /** A safety net for a hung test, not a measure of speed. */
    private static final Duration SAFETY_NET = Duration.ofSeconds(120);
    /** Hostile model text: markup and entities the page must show as text. */
    public static final String HOSTILE_SENTENCE = "The tag <script>window.pwned = 1</script> is wrong.";
    public static final String HOSTILE_ENTITIES = "Tom &amp; Jerry <img src=x onerror=\"window.pwned = 2\"> say &lt;b&gt;!";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void shouldStreamEachRequestsEventsInOrderEndingWithOneFinalAndReplayThem(EmbeddedKafkaBroker broker) throws Exception {
        StreamAlignerConfig config = config(broker, "gateway");
        try (AlignmentApplication application = AlignmentApplication.start(config)) {
            String baseUrl = application.http().map(ApplicationPort::baseUrl).orElseThrow();
            // asked at once, sampled with different seeds: some sentences are kept, some corrected
            Map<String, String> bodies = new LinkedHashMap<>();
            bodies.put("default sampling", "{\"question\": \"What is 23 + 48 - 19?\"}");
            for (int seed : new int[] {5, 6, 8}) {
                bodies.put("seed " + seed, "{\"question\": \"What is 36 + 17 - 24?\", \"generation\": {\"seed\": " + seed
                        + "}, \"max_rounds\": 6}");
            }
            Map<String, CompletableFuture<List<Event>>> streams = new LinkedHashMap<>();
            bodies.forEach((name, body) -> streams.put(name, CompletableFuture.supplyAsync(() -> align(baseUrl, body))));

            for (Map.Entry<String, CompletableFuture<List<Event>>> stream : streams.entrySet()) {
                List<Event> events = stream.getValue().get(SAFETY_NET.toMillis(), TimeUnit.MILLISECONDS);
                String id = assertOrdered(stream.getKey(), events);
                List<Event> replayed = events(get(baseUrl + "/v1/requests/" + id + "/events"));
                assertThat(replayed).as("the replay of " + stream.getKey()).isNotEmpty();
                assertOrdered("the replay of " + stream.getKey(), replayed);
                assertThat(withoutTokens(replayed)).as("the replay's settled events").isEqualTo(withoutTokens(events));
                assertThat(tokensByRound(replayed)).as("the replay's text per round").isEqualTo(tokensByRound(events));
            }
            List<JsonNode> sentences = streams.values().stream().flatMap(stream -> stream.join().stream())
                    .filter(event -> event.name().equals("sentence")).map(Event::data).toList();
            assertThat(sentences).as("some sentences are corrected, some kept")
                    .anyMatch(sentence -> sentence.path("changed").asBoolean())
                    .anyMatch(sentence -> !sentence.path("changed").asBoolean());
        }
    }

    @Test
    void shouldCarryHostileModelTextVerbatimAsJson(EmbeddedKafkaBroker broker) throws Exception {
        try (ScriptedChatServer upstreamServer = new ScriptedChatServer()) {
            upstreamServer.answer("hostile", HOSTILE_SENTENCE, HOSTILE_ENTITIES);
            try (ScriptedUpstreamApplication hostile = ScriptedUpstreamApplication.start(config(broker, "hostile"), upstreamServer)) {
                List<Event> events = align(hostile.baseUrl(), "{\"question\": \"hostile\", \"max_rounds\": 4}");

                assertOrdered("the hostile answer", events);
                List<JsonNode> sentences = events.stream().filter(event -> event.name().equals("sentence"))
                        .map(Event::data).toList();
                assertThat(sentences).hasSize(2);
                assertThat(sentences.get(0).path("original").asText()).isEqualTo(HOSTILE_SENTENCE);
                assertThat(sentences.get(0).path("corrected").asText()).isEqualTo(ScriptedAligner.correct(HOSTILE_SENTENCE));
                assertThat(sentences.get(1).path("corrected").asText()).isEqualTo(HOSTILE_ENTITIES);
            }
        }
    }

    /** A fresh application on the shared broker, its HTTP port on a free port. */
    public static StreamAlignerConfig config(EmbeddedKafkaBroker broker, String name) {
        String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        return StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                StreamAlignerConfig.APPLICATION_ID, run,
                StreamAlignerConfig.TOPIC_PREFIX, run + ".",
                StreamAlignerConfig.TOPIC_PARTITIONS, "2",
                StreamAlignerConfig.HTTP_PORT, "0"));
    }

    /**
     * Checks one request's events: {@code request} first; then, round by round from 1, the round's {@code token}
     * events before its one {@code sentence}; then exactly one {@code final}, last, whose answer joins the corrected
     * sentences. Returns the request's id.
     */
    private static String assertOrdered(String what, List<Event> events) {
        assertThat(events).as(what).isNotEmpty();
        assertThat(events.get(0).name()).as(what + ": the first event").isEqualTo("request");
        String id = events.get(0).data().path("request_id").asText();
        assertThat(events.get(events.size() - 1).name()).as(what + ": the last event").isEqualTo("final");
        assertThat(events.stream().filter(event -> event.name().equals("final"))).as(what + ": finals").hasSize(1);
        int round = 1;
        boolean roundHasTokens = false;
        List<String> corrected = new ArrayList<>();
        for (Event event : events.subList(1, events.size() - 1)) {
            assertThat(event.data().path("request_id").asText()).as(what + ": " + event).isEqualTo(id);
            switch (event.name()) {
                case "token" -> {
                    assertThat(event.round()).as(what + ": a token of the round under way, " + event).isEqualTo(round);
                    roundHasTokens = true;
                }
                case "sentence" -> {
                    assertThat(event.round()).as(what + ": " + event).isEqualTo(round);
                    assertThat(roundHasTokens).as(what + ": round " + round + "'s tokens came before its sentence").isTrue();
                    corrected.add(event.data().path("corrected").asText());
                    round++;
                    roundHasTokens = false;
                }
                default -> throw new AssertionError(what + ": unexpected event " + event);
            }
        }
        JsonNode answer = events.get(events.size() - 1).data();
        assertThat(answer.path("rounds").asInt()).as(what + ": the final's rounds").isEqualTo(corrected.size());
        assertThat(answer.path("answer").asText()).as(what + ": the final's answer").isEqualTo(String.join(" ", corrected));
        assertThat(answer.path("finish_reason").asText()).as(what).isIn("UPSTREAM_END", "ALIGNER_END", "MAX_ROUNDS");
        return id;
    }

    private static List<Event> withoutTokens(List<Event> events) {
        return events.stream().filter(event -> !event.name().equals("token")).toList();
    }

    private static Map<Integer, String> tokensByRound(List<Event> events) {
        return events.stream().filter(event -> event.name().equals("token")).collect(Collectors.groupingBy(Event::round,
                LinkedHashMap::new, Collectors.mapping(event -> event.data().path("text").asText(), Collectors.joining())));
    }

    private List<Event> align(String baseUrl, String body) {
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/align"))
                    .timeout(SAFETY_NET).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
            return events(response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<InputStream> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(SAFETY_NET).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private static List<Event> events(HttpResponse<InputStream> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        try (ServerSentEvents events = new ServerSentEvents(response.body())) {
            return events.rest();
        }
    }
}
