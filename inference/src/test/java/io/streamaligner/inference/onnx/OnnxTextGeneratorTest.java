package io.streamaligner.inference.onnx;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.PromptTooLongException;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.TestModels;
import io.streamaligner.inference.template.AlignerInput;
import io.streamaligner.inference.template.ChatTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxTextGeneratorTest {

    private static OnnxTextGenerator aligner;

    @BeforeAll
    static void open() {
        aligner = OnnxTextGenerator.open(TestModels.aligner(), EngineOptions.cpu().withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        aligner.close();
    }

    private static String alignerPrompt(String question) {
        return aligner.chatTemplate().alignerPrompt(new AlignerInput(question, "First, 2 + 3 = 5.", "So it is 6."));
    }

    @Test
    void shouldRenderWithTheFoldersTemplateAndReserveTheTokenizersSpecialTokens() {
        ChatTemplate template = aligner.chatTemplate();

        assertThat(template.name()).isEqualTo("toy");
        assertThat(template.reserved().strings()).containsAll(aligner.tokenizer().specialTokens().keySet());
        assertThat(aligner.executionProvider()).isEqualTo(ExecutionProvider.CPU);
    }

    @Test
    void shouldCompleteARequest() {
        String prompt = alignerPrompt("What is 2 + 3?");

        Completion completion = aligner.generate(List.of(CompletionRequest.greedy("r1", prompt, 16))).get(0);

        assertThat(completion.id()).isEqualTo("r1");
        assertThat(completion.promptTokens()).isEqualTo(aligner.encodePrompt(prompt).length);
        assertThat(completion.generatedTokens()).isBetween(1, 16);
        assertThat(completion.finishReason()).isIn(FinishReason.EOS, FinishReason.END_OF_ANSWER, FinishReason.LENGTH);
        assertThat(completion.nanos()).isPositive();
    }

    @Test
    void shouldTimeACompletionFromItsSubmissionAsTheCallerWaitedForIt() throws Exception {
        CountDownLatch engineHeld = new CountDownLatch(1);
        CountDownLatch secondSubmitted = new CountDownLatch(1);
        long[] engineFreedAt = new long[1];
        // the first request's listener holds the engine's thread until the second has waited a while in its queue
        Generation first = aligner.submit(CompletionRequest.greedy("busy", alignerPrompt("What is 2 + 3?"), 4),
                (id, delta) -> {
                    if (engineFreedAt[0] == 0) {
                        engineHeld.countDown();
                        awaitUninterruptibly(secondSubmitted);
                        sleepUninterruptibly(200);
                        engineFreedAt[0] = System.nanoTime();
                    }
                });
        awaitUninterruptibly(engineHeld);
        long submittedAt = System.nanoTime();
        Generation second = aligner.submit(CompletionRequest.greedy("queued", alignerPrompt("What is 4 + 4?"), 1),
                DeltaListener.NONE);
        secondSubmitted.countDown();

        Completion queued = second.completion().get(30, TimeUnit.SECONDS);
        first.completion().get(30, TimeUnit.SECONDS);

        assertThat(queued.nanos()).as("its time in the queue counts, as it does for a server's queue")
                .isGreaterThanOrEqualTo(engineFreedAt[0] - submittedAt);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepUninterruptibly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void shouldStreamDeltasThatAddUpToTheText() {
        Map<String, StringBuilder> streamed = new ConcurrentHashMap<>();
        List<CompletionRequest> requests = List.of(
                CompletionRequest.greedy("a", alignerPrompt("What is 2 + 3?"), 24),
                CompletionRequest.greedy("b", alignerPrompt("Tom has 14 apples and buys 9 more?"), 24));

        List<Completion> completions = aligner.generate(requests,
                (id, delta) -> streamed.computeIfAbsent(id, k -> new StringBuilder()).append(delta));

        for (Completion completion : completions) {
            assertThat(streamed.getOrDefault(completion.id(), new StringBuilder()).toString())
                    .isEqualTo(completion.text());
        }
    }

    @Test
    void shouldCutWhereTheStopConditionSays() {
        StopCondition fiveCharacters = text -> text.length() >= 5 ? 5 : StopCondition.NO_STOP;
        CompletionRequest request = new CompletionRequest("s", alignerPrompt("What is 2 + 3?"), SamplingParams.GREEDY,
                40, fiveCharacters, 40);

        Completion completion = aligner.generate(List.of(request)).get(0);

        assertThat(completion.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(completion.text()).hasSize(5);
    }

    @Test
    void shouldEndAtTheMaximumLength() {
        CompletionRequest request = CompletionRequest.greedy("l", alignerPrompt("What is 2 + 3?"), 7).withMinNewTokens(7);

        Completion completion = aligner.generate(List.of(request)).get(0);

        assertThat(completion.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(completion.generatedTokens()).isEqualTo(7);
    }

    @Test
    void shouldServeConcurrentCallersAsIfEachWereAlone() throws Exception {
        List<CompletionRequest> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            requests.add(CompletionRequest.greedy("c" + i, alignerPrompt("What is " + i + " + " + (i * 7) + "?"), 12 + i)
                    .withMinNewTokens(12 + i));
        }
        List<Completion> alone = new ArrayList<>();
        for (CompletionRequest request : requests) {
            alone.add(aligner.generate(List.of(request)).get(0));
        }

        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<Completion>>> futures = new ArrayList<>();
            for (CompletionRequest request : requests) {
                futures.add(callers.submit(() -> aligner.generate(List.of(request))));
            }
            for (int i = 0; i < requests.size(); i++) {
                assertThat(futures.get(i).get().get(0).text()).isEqualTo(alone.get(i).text());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void shouldRepeatSeededSampling() {
        CompletionRequest sampled = new CompletionRequest("s", alignerPrompt("What is 2 + 3?"),
                new SamplingParams(1.2, 0, 1, 0, 1, 77), 24, StopCondition.NEVER);

        assertThat(aligner.generate(List.of(sampled)).get(0).text())
                .isEqualTo(aligner.generate(List.of(sampled)).get(0).text());
    }

    @Test
    void shouldRejectAPromptTheContextCannotHold() {
        String endless = "1 + 1 = 2. ".repeat(aligner.config().maxPositions());

        assertThatThrownBy(() -> aligner.generate(List.of(CompletionRequest.greedy("long", endless, 4))))
                .isInstanceOf(PromptTooLongException.class)
                .hasMessageContaining("long");
    }

    @Test
    void shouldRejectDuplicateIdsInOneBatch() {
        CompletionRequest request = CompletionRequest.greedy("same", alignerPrompt("1?"), 4);

        assertThatThrownBy(() -> aligner.generate(List.of(request, request)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same");
    }

    @Test
    void shouldFailRequestsAfterClose() {
        OnnxTextGenerator upstream = OnnxTextGenerator.open(TestModels.upstream(), EngineOptions.cpu());
        upstream.close();

        assertThatThrownBy(() -> upstream.generate(List.of(CompletionRequest.greedy("x", "<|user|>1?<|assistant|>", 4))))
                .isInstanceOf(GenerationException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void shouldNameAnEndOfAnswerTokenTheTokenizerLacks(@TempDir Path dir) throws IOException {
        assertOpeningFailsNaming("<|done|>", dir,
                "{\"chat_template\": \"toy\", \"end_of_answer_token\": \"<|done|>\"}");
    }

    @Test
    void shouldNameAnUnknownChatTemplate(@TempDir Path dir) throws IOException {
        assertOpeningFailsNaming("vicuna", dir, "{\"chat_template\": \"vicuna\"}");
    }

    /** Opening the aligner's folder with this stream_aligner.json fails, naming {@code culprit}. */
    private static void assertOpeningFailsNaming(String culprit, Path dir, String settings) throws IOException {
        Path folder = copyOf(TestModels.aligner(), dir);
        Files.writeString(folder.resolve("stream_aligner.json"), settings);

        assertThatThrownBy(() -> OnnxTextGenerator.open(folder, EngineOptions.cpu()))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining(culprit);
    }

    @Test
    void shouldStartPromptsWithTheBosTokenWhenTheTokenizerConfigSaysSo(@TempDir Path dir) throws IOException {
        Path folder = copyOf(TestModels.aligner(), dir);
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"add_bos_token\": true}");
        String config = Files.readString(folder.resolve("config.json"));
        int user = aligner.tokenizer().specialTokens().get("<|user|>");
        Files.writeString(folder.resolve("config.json"), config.replace("\"bos_token_id\": null",
                "\"bos_token_id\": " + user));

        try (OnnxTextGenerator withBos = OnnxTextGenerator.open(folder, EngineOptions.cpu())) {
            assertThat(withBos.encodePrompt("hi")[0]).isEqualTo(user);
            assertThat(withBos.encodePrompt("<|user|>hi")).isEqualTo(aligner.tokenizer().encode("<|user|>hi"));
        }
    }

    private static Path copyOf(Path source, Path dir) throws IOException {
        Path folder = dir.resolve(source.getFileName());
        Files.createDirectories(folder);
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json", "generation_config.json",
                "stream_aligner.json")) {
            Files.copy(source.resolve(file), folder.resolve(file));
        }
        return folder;
    }
}
