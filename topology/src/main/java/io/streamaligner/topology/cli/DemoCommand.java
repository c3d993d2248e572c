package io.streamaligner.topology.cli;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.eval.AnswerNumbers;
import io.streamaligner.eval.toymath.ToyMathQuestion;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.topology.app.AlignmentSession;
import io.streamaligner.topology.app.AlignmentSession.Application;
import io.streamaligner.topology.config.ModelSettings;
import io.streamaligner.topology.config.StreamAlignerConfig;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the whole product on one machine. Starts an embedded broker (unless bootstrap servers are given)
 * and the application with the bundled models, asks N sample questions of the toy arithmetic domain at once,
 * prints each sentence live as it is aligned (original → corrected, changed ones marked), then each final answer
 * with whether its number is right, and {@code answers right: R/N}. The upstream samples as its
 * {@code generation_config.json} recommends, seeded per question, so a run is repeatable; the aligner is greedy. With
 * {@code --http-port} the application also serves the web view and the gateway there, and the demo goes on serving
 * them after its questions until Ctrl-C.
 */
@Command(name = "demo",
        description = {"Starts an embedded broker and the application with the bundled models, asks N toy arithmetic "
                + "questions concurrently, prints each sentence live (original → corrected, * = changed), then each "
                + "answer, right or wrong, and 'answers right: R/N'.",
                "With --http-port it also serves the web view (open http://127.0.0.1:PORT/ and ask your own questions) "
                        + "and the gateway, and keeps serving them after its questions until Ctrl-C."})
public final class DemoCommand implements Callable<Integer> {

    @Mixin
    private ConfigOptions config;

    @Option(names = "--questions", paramLabel = "N", defaultValue = "5",
            description = "How many questions to ask (default: ${DEFAULT-VALUE}).")
    private int questionCount;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the questions; question i's upstream sampling uses seed S + i (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Also serve the web view (/) and the gateway (/v1/align) on this port (0: a free one), on "
                    + "127.0.0.1 unless streamaligner.http.host says otherwise, until Ctrl-C. Default: off.")
    private Integer httpPort;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        try (StopSignal stop = StopSignal.install()) {
            return demo(stop.requested());
        }
    }

    /** Asks the questions and, with an HTTP port, serves the web view until {@code stopRequested} completes. */
    int demo(CompletableFuture<Void> stopRequested) throws InterruptedException {
        if (questionCount < (httpPort == null ? 1 : 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--questions must be at least "
                    + (httpPort == null ? "1" : "0") + ", was " + questionCount);
        }
        PrintWriter out = spec.commandLine().getOut();
        StreamAlignerConfig resolved = httpPort == null ? config.resolve() : config.resolve().withHttpPort(httpPort);
        List<ToyMathQuestion> questions = ToyMathQuestion.sample(seed, questionCount);
        out.println(capitalized(AlignmentSession.plan(resolved, Application.STARTED_HERE)) + " ...");
        out.flush();
        try (AlignmentSession session = AlignmentSession.open(resolved, Application.STARTED_HERE,
                AlignmentClient.DEFAULT_ANSWER_TIMEOUT)) {
            out.println("Ready: " + session.describeKafka() + ", " + resolved.processingGuarantee().configValue()
                    + "; upstream " + shortName(resolved.upstream()) + ", aligner " + shortName(resolved.aligner()));
            Optional<String> webView = session.stack().flatMap(stack -> stack.application().http())
                    .map(http -> http.baseUrl() + "/");
            webView.ifPresent(url -> out.println("The web view: " + url + " (ask your own questions there; the gateway is "
                    + url + "v1/align)"));
            if (!questions.isEmpty()) {
                askAndJudge(session, resolved, questions, out);
            }
            if (webView.isPresent()) {
                out.println("Serving the web view on " + webView.get() + " until Ctrl-C.");
                out.flush();
                CompletableFuture.anyOf(stopRequested, session.stack().orElseThrow().application().stopped()).join();
            }
            out.flush();
            return CommandLine.ExitCode.OK;
        }
    }

    /** Asks the questions at once, prints each sentence as it is aligned, then each answer judged, and the tally. */
    private void askAndJudge(AlignmentSession session, StreamAlignerConfig resolved, List<ToyMathQuestion> questions,
                             PrintWriter out) throws InterruptedException {
        List<CompletableFuture<AnswerFinal>> answers = new ArrayList<>();
        // the model folder's recommendation is read once; each question only gets its own seed
        GenerationParams recommended = UpstreamSampling.recommended(resolved, seed, spec.commandLine().getErr());
        String sampling = UpstreamSampling.describe(recommended);
        for (int i = 0; i < questions.size(); i++) {
            GenerationParams generation = GenerationParams.newBuilder(recommended).setSeed(seed + i).build();
            String label = label(i);
            out.println(label + " " + questions.get(i).text());
            String requestId = "demo-q" + (i + 1) + "-" + AlignmentRequests.newRequestId();
            answers.add(session.client().submit(AlignmentRequests.builder(requestId, questions.get(i).text())
                    .setGeneration(generation).build(), new LiveLines(label, out)));
        }
        out.println("Asked " + questions.size() + " questions (upstream " + sampling + ", seeds " + seed + ".."
                + (seed + questions.size() - 1) + "; aligner greedy). Sentences as they are aligned, * = corrected:");
        out.flush();

        int right = 0;
        List<String> answerLines = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            ToyMathQuestion question = questions.get(i);
            AnswerFinal answer = session.await(answers.get(i), "question " + (i + 1));
            boolean isRight = AnswerNumbers.isCorrect(answer.getAnswer(), Integer.toString(question.result()));
            right += isRight ? 1 : 0;
            Optional<BigDecimal> number = AnswerNumbers.extract(answer.getAnswer());
            answerLines.add(label(i) + " " + question.text() + "  " + number.map(BigDecimal::toPlainString).orElse("no number")
                    + (isRight ? "  right" : "  wrong (expected " + question.result() + ")") + "  [" + answer.getRounds()
                    + " rounds, " + answer.getFinishReason() + ", " + answer.getTotalMs() + " ms]");
            answerLines.add("     " + answer.getAnswer());
        }
        out.println();
        out.println("Answers:");
        answerLines.forEach(out::println);
        out.println("answers right: " + right + "/" + questions.size());
        out.flush();
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String label(int index) {
        return "[q" + (index + 1) + "]";
    }

    /** Prints each sentence of one question as it is aligned; all questions share the client's one thread. */
    private record LiveLines(String label, PrintWriter out) implements ResponseListener {

        @Override
        public void onSentence(SentenceAligned sentence) {
            out.println(label + " " + AlignedSentenceLine.format(sentence));
            out.flush();
        }

        @Override
        public void onError(AlignmentError error) {
            out.println(label + " error in round " + error.getRound() + " (" + error.getStage() + "): " + error.getMessage());
            out.flush();
        }
    }

    /** A model folder's name, or the model's server. */
    private static String shortName(ModelSettings model) {
        return model.server().isPresent() ? model.describe() : model.folder().getFileName().toString();
    }
}
