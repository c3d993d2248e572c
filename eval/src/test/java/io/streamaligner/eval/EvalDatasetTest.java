package io.streamaligner.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalDatasetTest {

    @Test
    void shouldReadQuestionsWithTextNumberOrNoAnswer() throws IOException {
        EvalDataset dataset = EvalDataset.read(new StringReader("""
                {"question": "What is 1 + 2 + 3?", "answer": 6}
                {"question": "What is 5 - 1 - 1?", "answer": "3"}
                {"question": "Tell me a joke."}
                {"question": "Who?", "answer": null}
                """));

        assertThat(dataset.items()).containsExactly(
                new EvalItem(1, "What is 1 + 2 + 3?", Optional.of("6")),
                new EvalItem(2, "What is 5 - 1 - 1?", Optional.of("3")),
                new EvalItem(3, "Tell me a joke.", Optional.empty()),
                new EvalItem(4, "Who?", Optional.empty()));
        assertThat(dataset.skipped()).isEmpty();
    }

    @Test
    void shouldSkipBadLinesNamingTheirLineNumbers() throws IOException {
        EvalDataset dataset = EvalDataset.read(new StringReader("""
                {"question": "What is 1 + 2 + 3?", "answer": 6}
                {"question": "cut off
                [1, 2]
                {"answer": 5}
                {"question": "  "}
                {"question": "What is 2 + 2 + 2?", "answer": {"value": 6}}
                {"question": "What is 4 + 4 - 1?", "answer": 7}
                """));

        assertThat(dataset.items()).extracting(EvalItem::lineNumber).containsExactly(1, 7);
        assertThat(dataset.skipped()).extracting(EvalDataset.SkippedLine::lineNumber).containsExactly(2, 3, 4, 5, 6);
        assertThat(dataset.skipped().get(0).reason()).startsWith("not valid JSON");
        assertThat(dataset.skipped().get(1).reason()).isEqualTo("not a JSON object");
        assertThat(dataset.skipped().get(2).reason()).contains("\"question\"");
        assertThat(dataset.skipped().get(4).reason()).contains("\"answer\"");
    }

    @Test
    void shouldIgnoreBlankLinesButKeepCountingLines() throws IOException {
        EvalDataset dataset = EvalDataset.read(new StringReader("\n{\"question\": \"Q?\"}\n   \n{\"question\": \"R?\"}\n"));

        assertThat(dataset.items()).extracting(EvalItem::lineNumber).containsExactly(2, 4);
        assertThat(dataset.skipped()).isEmpty();
    }

    @Test
    void shouldTakeTheFirstItemsUpToTheLimit() throws IOException {
        EvalDataset dataset = EvalDataset.read(new StringReader("{\"question\": \"A?\"}\nbad\n{\"question\": \"B?\"}\n"));

        assertThat(dataset.limit(1).items()).extracting(EvalItem::question).containsExactly("A?");
        assertThat(dataset.limit(1).skipped()).hasSize(1);
        assertThat(dataset.limit(5).items()).hasSize(2);
    }

    @Test
    void shouldReportAMissingFileAsAnUncheckedIoError(@TempDir Path dir) {
        assertThatThrownBy(() -> EvalDataset.read(dir.resolve("absent.jsonl")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("absent.jsonl");
    }
}
