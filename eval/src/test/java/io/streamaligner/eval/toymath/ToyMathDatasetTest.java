package io.streamaligner.eval.toymath;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.eval.AnswerNumbers;
import io.streamaligner.eval.EvalDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToyMathDatasetTest {

    /** The module's tests run in {@code eval/}. */
    private static final Path SHIPPED = Path.of("..", "ops", "eval", "toy-math-200.jsonl");

    @Test
    void shouldWriteEachQuestionWithItsResult() throws IOException {
        List<String> lines = ToyMathDataset.lines(5, 3);
        List<ToyMathQuestion> questions = ToyMathQuestion.sample(5, 3);

        EvalDataset dataset = EvalDataset.read(new java.io.StringReader(String.join("\n", lines)));

        assertThat(dataset.skipped()).isEmpty();
        assertThat(dataset.items()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(dataset.items().get(i).question()).isEqualTo(questions.get(i).text());
            assertThat(AnswerNumbers.isCorrect(questions.get(i).correctAnswer(), dataset.items().get(i).expectedAnswer().orElseThrow()))
                    .isTrue();
        }
    }

    @Test
    void shouldReproduceTheShippedDatasetFromItsSeed() throws IOException {
        List<String> shipped = Files.readAllLines(SHIPPED, StandardCharsets.UTF_8);

        assertThat(shipped).containsExactlyElementsOf(
                ToyMathDataset.lines(ToyMathDataset.DEFAULT_SEED, ToyMathDataset.DEFAULT_COUNT));
    }
}
