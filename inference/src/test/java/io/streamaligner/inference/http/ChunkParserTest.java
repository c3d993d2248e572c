package io.streamaligner.inference.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkParserTest {

    private final ChunkParser chat = new ChunkParser(new ObjectMapper(), ApiKind.CHAT);
    private final ChunkParser completions = new ChunkParser(new ObjectMapper(), ApiKind.COMPLETIONS);

    @Test
    void shouldReadTheDeltaContentOfAChatChunk() {
        StreamChunk chunk = chat.parse("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\" café\"},\"logprobs\":null,\"finish_reason\":null}]}");

        assertThat(chunk.text()).isEqualTo(" café");
        assertThat(chunk.finishReason()).isEmpty();
        assertThat(chunk.stopReason()).isEmpty();
        assertThat(chunk.usage()).isEmpty();
        assertThat(chunk.error()).isEmpty();
    }

    @Test
    void shouldReadTheTextOfACompletionsChunk() {
        StreamChunk chunk = completions.parse("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{"
                + "\"index\":0,\"text\":\" Zür\",\"logprobs\":null,\"finish_reason\":null}]}");

        assertThat(chunk.text()).isEqualTo(" Zür");
    }

    @Test
    void shouldReadNoTextFromTheRoleChunk() {
        assertThat(chat.parse("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}")
                .text()).isEmpty();
        assertThat(chat.parse("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]}")
                .text()).isEmpty();
    }

    @Test
    void shouldReadNoTextFromAnEmptyDelta() {
        StreamChunk chunk = chat.parse("{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}]}");

        assertThat(chunk.text()).isEmpty();
        assertThat(chunk.finishReason()).contains("stop");
    }

    @Test
    void shouldReadTheFinishAndVllmsStopReason() {
        StreamChunk chunk = chat.parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
                + "\"finish_reason\":\"stop\",\"stop_reason\":\"<|end_of_answer|>\"}]}");

        assertThat(chunk.finishReason()).contains("stop");
        assertThat(chunk.stopReason()).contains("<|end_of_answer|>");
    }

    @Test
    void shouldReadAStopTokenIdAsText() {
        StreamChunk chunk = chat.parse("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\","
                + "\"stop_reason\":151645}]}");

        assertThat(chunk.stopReason()).contains("151645");
    }

    @Test
    void shouldReadSglangsMatchedStopAsTheStopReason() {
        StreamChunk chunk = chat.parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\",\"matched_stop\":\"<|end_of_answer|>\"}],\"usage\":null}");

        assertThat(chunk.stopReason()).contains("<|end_of_answer|>");
    }

    @Test
    void shouldReadTheUsageOfTheLastChunkWithNoChoices() {
        StreamChunk chunk = chat.parse("{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":27,"
                + "\"total_tokens\":40,\"completion_tokens\":13}}");

        assertThat(chunk.text()).isEmpty();
        assertThat(chunk.finishReason()).isEmpty();
        assertThat(chunk.usage()).contains(new StreamChunk.Usage(27, 13));
    }

    @Test
    void shouldReadUsageThatComesWithTheFinish() {
        StreamChunk chunk = chat.parse("{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}],"
                + "\"usage\":{\"completion_tokens\":10,\"prompt_tokens\":19,\"total_tokens\":29},"
                + "\"timings\":{\"prompt_n\":19,\"predicted_n\":10}}");

        assertThat(chunk.finishReason()).contains("stop");
        assertThat(chunk.usage()).contains(new StreamChunk.Usage(19, 10));
    }

    @Test
    void shouldTakeANullUsageAsNone() {
        assertThat(chat.parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"usage\":null,"
                + "\"obfuscation\":\"kP\"}").usage()).isEmpty();
    }

    @Test
    void shouldReadAnOpenAiStyleErrorObject() {
        StreamChunk chunk = chat.parse("{\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"server_error\"}}");

        assertThat(chunk.error()).contains(new StreamChunk.ServerError("CUDA out of memory", "", "server_error"));
    }

    @Test
    void shouldReadVllmsOlderErrorObject() {
        StreamChunk chunk = chat.parse("{\"object\":\"error\",\"message\":\"bad top_k\",\"type\":\"BadRequestError\","
                + "\"param\":null,\"code\":400}");

        assertThat(chunk.error()).contains(new StreamChunk.ServerError("bad top_k", "", "BadRequestError"));
    }

    @Test
    void shouldReadTheDataOfAnErrorEventBareWrappedOrAsText() {
        assertThat(chat.parseError("{\"code\":400,\"message\":\"too long\",\"type\":\"exceed_context_size_error\"}"))
                .isEqualTo(new StreamChunk.ServerError("too long", "", "exceed_context_size_error"));
        assertThat(chat.parseError("{\"error\":{\"message\":\"too long\",\"code\":\"context_length_exceeded\"}}"))
                .isEqualTo(new StreamChunk.ServerError("too long", "context_length_exceeded", ""));
        assertThat(chat.parseError("worker died")).isEqualTo(StreamChunk.ServerError.text("worker died"));
    }

    @Test
    void shouldTakeAnEmptyFinishReasonAsNoFinish() {
        assertThat(chat.parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"\"}]}")
                .finishReason()).isEmpty();
    }

    @Test
    void shouldReadATgiStyleErrorString() {
        StreamChunk chunk = chat.parse("{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must"
                + " be <= 4096\",\"error_type\":\"validation\"}");

        assertThat(chunk.error()).hasValueSatisfying(error -> {
            assertThat(error.message()).startsWith("Input validation");
            assertThat(error.type()).isEqualTo("validation");
        });
    }

    @Test
    void shouldRefuseDataThatIsNotJson() {
        assertThatThrownBy(() -> chat.parse("<html>502 Bad Gateway</html>"))
                .isInstanceOf(ChunkParser.MalformedChunkException.class)
                .hasMessageContaining("malformed stream chunk (not JSON)")
                .hasMessageContaining("502 Bad Gateway");
    }

    @Test
    void shouldRefuseJsonThatIsNotAnObject() {
        assertThatThrownBy(() -> chat.parse("[1,2]"))
                .isInstanceOf(ChunkParser.MalformedChunkException.class)
                .hasMessageContaining("not a JSON object");
    }

    @Test
    void shouldRefuseChoicesThatAreNotObjects() {
        assertThatThrownBy(() -> chat.parse("{\"choices\":[\"a\"]}"))
                .isInstanceOf(ChunkParser.MalformedChunkException.class)
                .hasMessageContaining("choices");
    }

    @Test
    void shouldRefuseContentThatIsNotAString() {
        assertThatThrownBy(() -> chat.parse("{\"choices\":[{\"delta\":{\"content\":[{\"type\":\"text\"}]}}]}"))
                .isInstanceOf(ChunkParser.MalformedChunkException.class)
                .hasMessageContaining("delta.content is not a string");
        assertThatThrownBy(() -> completions.parse("{\"choices\":[{\"text\":7}]}"))
                .hasMessageContaining("text is not a string");
    }

    @Test
    void shouldRefuseUsageThatIsNotAnObject() {
        assertThatThrownBy(() -> chat.parse("{\"choices\":[],\"usage\":13}"))
                .isInstanceOf(ChunkParser.MalformedChunkException.class)
                .hasMessageContaining("usage");
    }

    @Test
    void shouldQuoteOnlyTheStartOfALongMalformedChunkOnOneLine() {
        String longLine = "x".repeat(500);

        assertThatThrownBy(() -> chat.parse("not\njson " + longLine))
                .hasMessageContaining("not json xxx")
                .hasMessageEndingWith("…")
                .satisfies(error -> assertThat(error.getMessage()).doesNotContain("\n")
                        .hasSizeLessThan(ChunkParser.EXCERPT + 60));
    }
}
