package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.Topics;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code run} serving on the shared broker until asked to stop, and {@code ask} putting a question to it. */
@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class AskAndRunCommandIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void shouldServeQuestionsUntilStoppedAndStreamAnAskedQuestionsSentences(EmbeddedKafkaBroker broker) throws Exception {
        String prefix = "cli-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        String[] connection = {"--bootstrap-servers", broker.bootstrapServers(), "-D", "streamaligner.topic.prefix=" + prefix,
                "-D", "application.id=" + prefix + "app", "-D", "streamaligner.topic.partitions=2"};
        StringWriter runOutput = new StringWriter();
        RunCommand run = new RunCommand();
        new CommandLine(run).setOut(new PrintWriter(runOutput)).parseArgs(connection);
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> runExit = CompletableFuture.supplyAsync(() -> {
            try {
                return run.serve(stop);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitLine(runOutput, "stream-aligner running", runExit);

        StringWriter askOutput = new StringWriter();
        int askExit = StreamAlignerCommand.newCommandLine().setOut(new PrintWriter(askOutput)).setErr(new PrintWriter(new StringWriter()))
                .execute(concat(new String[] {"ask", "--greedy", "--max-rounds", "6"}, connection, "What is 23 + 48 - 19?"));
        try (AlignmentClient client = AlignmentClient.connect(broker.bootstrapServers(), Topics.withPrefix(prefix))) {
            AnswerFinal direct = client.submit(AlignmentRequests.builder("What is 23 + 48 - 19?").setMaxRounds(6).build())
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String asked = askOutput.toString();
            assertThat(askExit).as(asked).isZero();
            assertThat(asked).as("greedy: the same answer as asked directly")
                    .contains(System.lineSeparator() + "Answer: " + direct.getAnswer() + System.lineSeparator());
            int rounds = Integer.parseInt(CommandOutput.find(asked, "^\\((\\d+) rounds, "));
            assertThat(rounds).isEqualTo(direct.getRounds());
            assertThat(CommandOutput.roundsOf(asked, "")).containsExactlyElementsOf(IntStream.rangeClosed(1, rounds).boxed().toList());
            List<String> lines = asked.lines().toList();
            for (int round = 1; round <= rounds; round++) {
                String sentenceStart = "round " + round + " ";
                int sentenceLine = IntStream.range(0, lines.size()).filter(i -> lines.get(i).startsWith(sentenceStart)
                        && lines.get(i).contains("  →  ")).findFirst().orElseThrow();
                String original = lines.get(sentenceLine).substring(sentenceStart.length() + 2).split(" {2}→ {2}")[0];
                assertThat(lines.get(sentenceLine - 1)).as("the upstream's provisional text, shown before its sentence")
                        .isEqualTo("round " + round + " ~ " + original);
            }
        }

        stop.complete(null);
        assertThat(runExit.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        assertThat(runOutput.toString()).contains("reads " + prefix + "prompts, writes " + prefix + "responses")
                .endsWith("stream-aligner stopped." + System.lineSeparator());
    }

    private static String[] concat(String[] head, String[] middle, String last) {
        String[] all = new String[head.length + middle.length + 1];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(middle, 0, all, head.length, middle.length);
        all[all.length - 1] = last;
        return all;
    }

    private static void awaitLine(StringWriter output, String line, CompletableFuture<Integer> command) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!output.toString().contains(line)) {
            if (command.isDone() || System.nanoTime() > deadline) {
                throw new AssertionError("'" + line + "' not printed; output: " + output + (command.isDone() ? " (command ended)" : ""));
            }
            Thread.sleep(50);
        }
    }
}
