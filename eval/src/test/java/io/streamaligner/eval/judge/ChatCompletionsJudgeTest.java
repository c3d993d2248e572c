package io.streamaligner.eval.judge;

import static io.streamaligner.eval.judge.JudgeEndpointDouble.ScriptedResponse.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaligner.eval.judge.JudgeEndpointDouble.ReceivedRequest;
import io.streamaligner.eval.judge.JudgeEndpointDouble.ScriptedResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatCompletionsJudgeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration NO_BACKOFF = Duration.ofMillis(1);

    private final List<JudgeItem> items = List.of(
            new JudgeItem(1, "What is 1 + 2 + 3?", "First, 1 + 2 = 3. Then, 3 + 3 = 6. The answer is 6.",
                    "First, 1 + 2 = 4. Then, 4 + 3 = 7. The answer is 7."),
            new JudgeItem(2, "What is 9 - 3 - 3?", "First, 9 - 3 = 6. Then, 6 - 3 = 3. The answer is 3.",
                    "First, 9 - 3 = 6. Then, 6 - 3 = 2. The answer is 2."));

    @Test
    void shouldAskBothOrdersWithTheRubricModelAndKeyAndScoreTheVerdicts(@TempDir Path dir) throws Exception {
        // the scripted judge prefers whichever response states the right result, in whatever position
        try (JudgeEndpointDouble endpoint = JudgeEndpointDouble.start(request -> reply(
                "Checked the arithmetic.\nVERDICT: " + (isRight(JudgeEndpointDouble.responseA(request)) ? "[[A]]" : "[[B]]")))) {
            ChatCompletionsJudge judge = new ChatCompletionsJudge(endpoint.baseUrl(), "judge-x", Optional.of("sk-test"),
                    TIMEOUT, 1, NO_BACKOFF);
            JudgeResults results;
            try (JudgeCache cache = JudgeCache.open(dir.resolve("cache.jsonl"))) {
                results = new PairwiseJudge(judge, "judge-x", cache, 2).judge(items, () -> { });
            }

            List<ReceivedRequest> received = endpoint.received();
            assertThat(received).hasSize(items.size() * JudgeDimension.values().length * 2);
            assertThat(received).allSatisfy(request -> {
                assertThat(request.authorization()).contains("Bearer sk-test");
                assertThat(request.model()).isEqualTo("judge-x");
                assertThat(request.temperature()).isZero();
            });
            for (JudgeDimension dimension : JudgeDimension.values()) {
                List<ReceivedRequest> withRubric = received.stream().filter(r -> r.system().equals(dimension.rubric())).toList();
                assertThat(withRubric).hasSize(items.size() * 2);
                for (JudgeItem item : items) {
                    assertThat(withRubric).filteredOn(r -> r.user().contains(item.question()))
                            .extracting(JudgeEndpointDouble::responseA, JudgeEndpointDouble::responseB)
                            .containsExactlyInAnyOrder(
                                    org.assertj.core.groups.Tuple.tuple(item.streamAnswer(), item.upstreamAnswer()),
                                    org.assertj.core.groups.Tuple.tuple(item.upstreamAnswer(), item.streamAnswer()));
                }
            }
            assertThat(results.winRates().get(JudgeDimension.HELPFULNESS)).isEqualTo(new WinRate(2, 0, 0));
            assertThat(results.winRates().get(JudgeDimension.HELPFULNESS).omegaPercent()).isEqualTo(100.0);
        }
    }

    @Test
    void shouldRetryRateLimitsAndServerErrors() throws IOException {
        AtomicInteger call = new AtomicInteger();
        try (JudgeEndpointDouble endpoint = JudgeEndpointDouble.start(request -> switch (call.incrementAndGet()) {
            case 1 -> new ScriptedResponse(503, "");
            case 2 -> new ScriptedResponse(429, "");
            default -> reply("VERDICT: [[TIE]]");
        })) {
            ChatCompletionsJudge judge = new ChatCompletionsJudge(endpoint.baseUrl(), "judge-x", Optional.empty(), TIMEOUT, 3, NO_BACKOFF);

            assertThat(judge.reply("rubric", "comparison")).isEqualTo("VERDICT: [[TIE]]");
            assertThat(endpoint.received()).hasSize(3).allSatisfy(request -> assertThat(request.authorization()).isEmpty());
        }
    }

    @Test
    void shouldFailAtOnceWhenTheEndpointRefusesTheRequest() throws IOException {
        try (JudgeEndpointDouble endpoint = JudgeEndpointDouble.start(request -> new ScriptedResponse(401, ""))) {
            ChatCompletionsJudge judge = new ChatCompletionsJudge(endpoint.baseUrl(), "judge-x", Optional.of("bad"), TIMEOUT, 3, NO_BACKOFF);

            assertThatThrownBy(() -> judge.reply("rubric", "comparison"))
                    .isInstanceOf(JudgeException.class)
                    .hasMessageContaining("HTTP 401");
            assertThat(endpoint.received()).hasSize(1);
        }
    }

    @Test
    void shouldGiveUpAfterTheLastAttempt() throws IOException {
        try (JudgeEndpointDouble endpoint = JudgeEndpointDouble.start(request -> new ScriptedResponse(500, ""))) {
            ChatCompletionsJudge judge = new ChatCompletionsJudge(endpoint.baseUrl(), "judge-x", Optional.empty(), TIMEOUT, 2, NO_BACKOFF);

            assertThatThrownBy(() -> judge.reply("rubric", "comparison"))
                    .isInstanceOf(JudgeException.class)
                    .hasMessageContaining("failed 2 time(s)")
                    .hasMessageContaining("HTTP 500");
            assertThat(endpoint.received()).hasSize(2);
        }
    }

    @Test
    void shouldAddTheChatCompletionsPathToABaseUrl() {
        assertThat(ChatCompletionsJudge.endpoint("https://api.example.com/v1/")).hasToString("https://api.example.com/v1/chat/completions");
        assertThat(ChatCompletionsJudge.endpoint("http://localhost:8000/v1/chat/completions"))
                .hasToString("http://localhost:8000/v1/chat/completions");
        assertThatThrownBy(() -> ChatCompletionsJudge.endpoint("ftp://example.com")).isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean isRight(String response) {
        return response.endsWith("The answer is 6.") || response.endsWith("The answer is 3.");
    }
}
