package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.loop.segment.SentenceSegmenter;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class SegmentCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldPrintTheSentencesAsOneJsonArray() {
        int exitCode = segment("Dr. Smith paid $3.50. He left.\n", "--json");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).isEqualTo("[\"Dr. Smith paid $3.50.\",\"He left.\"]" + System.lineSeparator());
    }

    @Test
    void shouldEndASentenceAtAnInitialismWhenTheNextWordOpensOne() {
        segment("She moved to the U.S. Then she left.", "--json");

        assertThat(out.toString()).isEqualTo("[\"She moved to the U.S.\",\"Then she left.\"]" + System.lineSeparator());
    }

    @Test
    void shouldPrintOneSentencePerLineWithInnerLineBreaksEscaped() {
        segment("First, 23 + 48 = 71. Then, 71 - 15 = 56.\nRun:\n```\nx = 1. y\n```\nThe answer is 56.");

        assertThat(out.toString().lines()).containsExactly(
                "First, 23 + 48 = 71.", "Then, 71 - 15 = 56.", "Run:", "```\\nx = 1. y\\n```", "The answer is 56.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "3", "64"})
    void shouldCutLikeTheSegmenterWhateverTheChunkSize(String chunkSize) {
        String text = "Wait... what? Prof. Lee said \"No.\" Then:\n- e.g. this\n- i.e. that\n\nDone. \u4f60\u597d\u3002\u518d\u89c1\u3002";

        segment(text, "--json", "--chunk-size", chunkSize);

        StringBuilder expected = new StringBuilder("[");
        SentenceSegmenter.split(text).forEach(s -> expected.append(expected.length() > 1 ? "," : "")
                .append('"').append(s.replace("\"", "\\\"").replace("\n", "\\n")).append('"'));
        assertThat(out.toString().strip()).isEqualTo(expected.append(']').toString());
    }

    @Test
    void shouldPrintNothingForBlankInput() {
        assertThat(segment(" \n ")).isZero();
        assertThat(out.toString()).isEmpty();
        segment(" \n ", "--json");
        assertThat(out.toString().strip()).isEqualTo("[]");
    }

    @Test
    void shouldRejectAChunkSizeBelowOne() {
        int exitCode = segment("Hi.", "--chunk-size", "0");

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--chunk-size must be at least 1");
    }

    private int segment(String stdin, String... args) {
        SegmentCommand command = new SegmentCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        return new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }
}
