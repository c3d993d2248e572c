package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.eval.toymath.ToyMathQuestion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The demo as a user runs it: embedded broker, application and bundled models, all in this process. */
@Tag("integration")
class DemoCommandIT {

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
}
