package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.eval.toymath.ToyMathQuestion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import picocli.CommandLine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The demo as a user runs it: embedded broker, application and bundled models, all in this process. */
@Tag("integration")
class DemoCommandIT {

    /** A safety net for a hung test, not a measure of speed. */
    private static final Duration SAFETY_NET = Duration.ofSeconds(120);
    private static final Pattern SERVING = Pattern.compile("Serving the web view on (http://\\S+)/ until Ctrl-C");

    @Test
    void shouldPrintEachQuestionsAlignedSentencesThenItsJudgedAnswerAndTheTally() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exitCode = StreamAlignerCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("demo", "--questions", "3", "--seed", "11");

        String output = out.toString();
        assertThat(exitCode).as(output + err).isZero();
        List<ToyMathQuestion> questions = ToyMathQuestion.sample(11, 3);
        int right = 0;
        for (int i = 0; i < questions.size(); i++) {
            String label = "[q" + (i + 1) + "] ";
            String answerLine = CommandOutput.find(output, "^(\\Q" + label + questions.get(i).text() + "\\E  .*\\[\\d+ rounds, .*)$");
            int rounds = Integer.parseInt(CommandOutput.find(answerLine, "\\[(\\d+) rounds, "));
            assertThat(CommandOutput.roundsOf(output, label)).as("sentences printed for " + label)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, rounds).boxed().toList());
            assertThat(answerLine).containsAnyOf("  right  ", "  wrong (expected " + questions.get(i).result() + ")");
            right += answerLine.contains("  right  ") ? 1 : 0;
        }
        assertThat(output.strip().lines().reduce((first, last) -> last)).hasValue("answers right: " + right + "/3");
    }

    @Test
    void shouldGoOnServingTheWebViewAfterItsQuestionsUntilAStopIsAsked() throws Exception {
        StringWriter out = new StringWriter();
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()))
                .parseArgs("--questions", "1", "--http-port", "0");
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return demo.demo(stop);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        String baseUrl = awaitServing(out, exit);

        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl + "/"))
                .timeout(SAFETY_NET).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>stream-aligner</title>");
        assertThat(out.toString()).contains("answers right: ").contains("The web view: " + baseUrl + "/");
        assertThat(exit).as("still serving").isNotDone();
        stop.complete(null);
        assertThat(exit.get(SAFETY_NET.toMillis(), TimeUnit.MILLISECONDS)).isZero();
    }

    private static String awaitServing(StringWriter out, CompletableFuture<Integer> demo) throws Exception {
        long deadline = System.nanoTime() + SAFETY_NET.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher serving = SERVING.matcher(out.toString());
            if (serving.find()) {
                return serving.group(1);
            }
            if (demo.isDone()) {
                throw new AssertionError("the demo ended (" + demo.get() + ") without serving: " + out);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the demo did not serve the web view: " + out);
    }
}
