package io.streamaligner.inference.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerKindTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Sampled, every knob set to something other than "off". */
    private static final SamplingParams ALL_KNOBS = new SamplingParams(0.7, 40, 0.9, 0.5, 1.1, 42);
    private static final SamplingParams TOP_K_ONLY = new SamplingParams(0.7, 40, 1, 0, 1, 42);

    private static ObjectNode sampling(ServerKind kind, SamplingParams sampling, int minNewTokens) {
        ObjectNode body = JSON.createObjectNode();
        kind.writeSampling(body, sampling, minNewTokens);
        return body;
    }

    private static List<String> fieldNames(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ---- check ----

    @ParameterizedTest
    @EnumSource(value = ServerKind.class, names = {"OLLAMA", "TGI", "OPENAI", "GENERIC"})
    void shouldRefuseTopKNamingTheParameterAndTheServer(ServerKind kind) {
        assertThatThrownBy(() -> kind.check(TOP_K_ONLY, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("top_k")
                .hasMessageContaining("got 40")
                .hasMessageContaining("the " + kind.configValue() + " server");
    }

    @ParameterizedTest
    @EnumSource(value = ServerKind.class, names = {"VLLM", "SGLANG", "LLAMACPP"})
    void shouldAcceptTopKWhereTheServerTakesIt(ServerKind kind) {
        assertThatCode(() -> kind.check(TOP_K_ONLY, 0)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void shouldAcceptNeutralSettingsEverywhere(ServerKind kind) {
        assertThatCode(() -> kind.check(SamplingParams.GREEDY, 0)).doesNotThrowAnyException();
        assertThatCode(() -> kind.check(new SamplingParams(0.7, 0, 0.9, 0.5, 1, 42), 0))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldNameEveryRefusedParameterAtOnce() {
        assertThatThrownBy(() -> ServerKind.TGI.check(ALL_KNOBS, 3))
                .hasMessageContaining("top_k")
                .hasMessageContaining("repetition_penalty")
                .hasMessageContaining("min_tokens");
    }

    @Test
    void shouldRefuseMinTokensOnLlamaCpp() {
        assertThatThrownBy(() -> ServerKind.LLAMACPP.check(SamplingParams.GREEDY, 8))
                .hasMessageContaining("min_tokens")
                .hasMessageContaining("llamacpp");
    }

    // ---- writeSampling ----

    @Test
    void shouldWriteEveryVllmKnobUnderItsOwnName() {
        ObjectNode body = sampling(ServerKind.VLLM, ALL_KNOBS, 3);

        assertThat(body.get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("seed").asLong()).isEqualTo(42);
        assertThat(body.get("frequency_penalty").asDouble()).isEqualTo(0.5);
        assertThat(body.get("top_k").asInt()).isEqualTo(40);
        assertThat(body.get("repetition_penalty").asDouble()).isEqualTo(1.1);
        assertThat(body.get("min_p").asDouble()).isZero();
        assertThat(body.get("min_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void shouldTurnOffVllmsAndSglangsOwnDefaultsForGreedyDecoding() {
        for (ServerKind kind : List.of(ServerKind.VLLM, ServerKind.SGLANG)) {
            ObjectNode body = sampling(kind, SamplingParams.GREEDY, 0);

            assertThat(fieldNames(body)).as(kind.configValue())
                    .containsExactlyInAnyOrder("temperature", "top_p", "top_k", "repetition_penalty", "min_p");
            assertThat(body.get("top_k").asInt()).isEqualTo(-1);
            assertThat(body.get("repetition_penalty").asDouble()).isEqualTo(1.0);
        }
    }

    @Test
    void shouldWriteLlamaCppsNamesAndItsTopKOff() {
        ObjectNode greedy = sampling(ServerKind.LLAMACPP, SamplingParams.GREEDY, 0);
        ObjectNode sampled = sampling(ServerKind.LLAMACPP, ALL_KNOBS, 0);

        assertThat(fieldNames(greedy)).containsExactlyInAnyOrder("temperature", "top_p", "top_k", "repeat_penalty",
                "min_p");
        assertThat(greedy.get("top_k").asInt()).isZero();
        assertThat(sampled.get("top_k").asInt()).isEqualTo(40);
        assertThat(sampled.get("repeat_penalty").asDouble()).isEqualTo(1.1);
        assertThat(sampled.has("min_tokens")).isFalse();
    }

    @Test
    void shouldLeaveTopPOneOutForTgi() {
        assertThat(fieldNames(sampling(ServerKind.TGI, SamplingParams.GREEDY, 0))).containsExactly("temperature");
        assertThat(sampling(ServerKind.TGI, new SamplingParams(0.7, 0, 0.9, 0, 1, 42), 0).get("top_p").asDouble())
                .isEqualTo(0.9);
    }

    @Test
    void shouldSendTgiNoTopPForAGreedyRequestSinceAnyTopPMakesItSample() {
        ObjectNode greedy = sampling(ServerKind.TGI, new SamplingParams(0, 0, 0.9, 0, 1, 42), 0);

        assertThat(fieldNames(greedy)).containsExactly("temperature");
        assertThat(greedy.get("temperature").asDouble()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = ServerKind.class, names = {"OLLAMA", "OPENAI", "GENERIC"})
    void shouldWriteOnlyTheStandardFieldsForTheOthers(ServerKind kind) {
        ObjectNode body = sampling(kind, new SamplingParams(0.7, 0, 0.9, 0.5, 1, 42), 0);

        assertThat(fieldNames(body)).containsExactlyInAnyOrder("temperature", "top_p", "seed", "frequency_penalty");
    }

    @Test
    void shouldAlwaysSendTheTemperatureAndNoSeedWhenGreedy() {
        for (ServerKind kind : ServerKind.values()) {
            ObjectNode body = sampling(kind, SamplingParams.GREEDY.withSeed(99), 0);

            assertThat(body.get("temperature").asDouble()).as(kind.configValue()).isZero();
            assertThat(body.has("seed")).as(kind.configValue()).isFalse();
        }
    }

    @Test
    void shouldKeepTheSeedWithin31Bits() {
        ObjectNode body = sampling(ServerKind.OPENAI, new SamplingParams(0.7, 0, 1, 0, 1, -1L), 0);

        assertThat(body.get("seed").asLong()).isEqualTo(0x7FFF_FFFFL);
    }

    // ---- endpoint fields ----

    @Test
    void shouldNameTheLengthCapMaxCompletionTokensOnlyForOpenAiChat() {
        assertThat(ServerKind.OPENAI.maxTokensField(ApiKind.CHAT)).isEqualTo("max_completion_tokens");
        assertThat(ServerKind.OPENAI.maxTokensField(ApiKind.COMPLETIONS)).isEqualTo("max_tokens");
        assertThat(ServerKind.VLLM.maxTokensField(ApiKind.CHAT)).isEqualTo("max_tokens");
    }

    @Test
    void shouldContinueAssistantMessagesEverywhereButOpenAi() {
        for (ServerKind kind : ServerKind.values()) {
            assertThat(kind.continuesAssistantMessage()).as(kind.configValue()).isEqualTo(kind != ServerKind.OPENAI);
        }
    }

    @Test
    void shouldStripTheApplicationsBosFromALlamaCppCompletionsPrompt() {
        ObjectNode body = JSON.createObjectNode();

        ServerKind.LLAMACPP.writeCompletionsPrompt(body, "<s>[INST] 2 + 2? [/INST]", Optional.of("<s>"));

        assertThat(body.get("prompt").asText()).isEqualTo("[INST] 2 + 2? [/INST]");
        assertThat(body.has("add_special_tokens")).isFalse();
    }

    @Test
    void shouldKeepALlamaCppPromptWithoutTheBos() {
        ObjectNode body = JSON.createObjectNode();

        ServerKind.LLAMACPP.writeCompletionsPrompt(body, "[INST] 2 + 2? [/INST]", Optional.of("<s>"));

        assertThat(body.get("prompt").asText()).isEqualTo("[INST] 2 + 2? [/INST]");
    }

    @Test
    void shouldAskVllmAndSglangNotToAddSpecialTokensToACompletionsPrompt() {
        for (ServerKind kind : List.of(ServerKind.VLLM, ServerKind.SGLANG)) {
            ObjectNode body = JSON.createObjectNode();

            kind.writeCompletionsPrompt(body, "<s>[INST] 2 + 2? [/INST]", Optional.of("<s>"));

            assertThat(body.get("prompt").asText()).isEqualTo("<s>[INST] 2 + 2? [/INST]");
            assertThat(body.get("add_special_tokens").asBoolean()).isFalse();
        }
    }

    @Test
    void shouldLetOnlyVllmAndSglangKeepSpecialTokensForTheStop() {
        for (ServerKind kind : ServerKind.values()) {
            ObjectNode body = JSON.createObjectNode();

            kind.writeSpecialTokenStop(body);

            boolean expected = kind == ServerKind.VLLM || kind == ServerKind.SGLANG;
            assertThat(body.has("skip_special_tokens")).as(kind.configValue()).isEqualTo(expected);
        }
    }

    // ---- configuration values ----

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void shouldReadItsOwnConfigValueInAnyCase(ServerKind kind) {
        assertThat(ServerKind.fromConfigValue(kind.configValue())).isEqualTo(kind);
        assertThat(ServerKind.fromConfigValue(" " + kind.configValue().toUpperCase() + " ")).isEqualTo(kind);
    }

    @Test
    void shouldRefuseAnUnknownServerListingTheKnownOnes() {
        assertThatThrownBy(() -> ServerKind.fromConfigValue("triton"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'triton'")
                .hasMessageContaining("vllm, sglang, llamacpp, tgi, ollama, openai, generic");
        assertThatThrownBy(() -> ServerKind.fromConfigValue(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPassChatTemplateArgumentsOnlyWhereTheServerTakesThem() {
        assertThat(Arrays.stream(ServerKind.values()).filter(ServerKind::takesChatTemplateArguments))
                .containsExactly(ServerKind.VLLM, ServerKind.SGLANG, ServerKind.LLAMACPP);
    }
}
