package io.streamaligner.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaligner.inference.http.ApiKind;
import io.streamaligner.inference.http.HttpModelSettings;
import io.streamaligner.inference.http.ServerKind;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code streamaligner.<model>.url} settings and the server settings beside them, as the configuration reads them. */
class ServerSettingsTest {

    private static final String UPSTREAM = "http://127.0.0.1:8000/v1";
    private static final String ALIGNER = "http://127.0.0.1:8001/v1/";

    @Test
    void shouldRunBothModelsHereWithoutAUrl() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of());

        assertThat(config.upstream().server()).isEmpty();
        assertThat(config.aligner().server()).isEmpty();
    }

    @Test
    void shouldDefaultToTheChatApiOfVllmWithTheFirstListedModelAndNoKey() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.UPSTREAM_URL, UPSTREAM, StreamAlignerConfig.ALIGNER_URL, ALIGNER));

        HttpModelSettings upstream = config.upstream().server().orElseThrow();
        assertThat(upstream.baseUrl()).isEqualTo(URI.create(UPSTREAM));
        assertThat(upstream.api()).isEqualTo(ApiKind.CHAT);
        assertThat(upstream.server()).isEqualTo(ServerKind.VLLM);
        assertThat(upstream.servedModel()).isEmpty();
        assertThat(upstream.apiKey().isPresent()).isFalse();
        assertThat(upstream.endOfAnswerToken()).isEmpty();
        assertThat(upstream.firstByteTimeout()).isEqualTo(HttpModelSettings.DEFAULT_FIRST_BYTE_TIMEOUT);
        HttpModelSettings aligner = config.aligner().server().orElseThrow();
        assertThat(aligner.baseUrl()).hasToString("http://127.0.0.1:8001/v1");
        assertThat(aligner.endOfAnswerToken()).contains(StreamAlignerConfig.DEFAULT_END_OF_ANSWER_TOKEN);
    }

    @Test
    void shouldReadEveryServerSetting() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.UPSTREAM_URL, UPSTREAM,
                "streamaligner.upstream.api", "completions",
                "streamaligner.upstream.template", "llama3",
                "streamaligner.upstream.server", "llamacpp",
                "streamaligner.upstream.served-model", "llama-3.1-8b",
                "streamaligner.upstream.api-key-env", "MY_KEY",
                "streamaligner.upstream.connect-timeout.ms", "1500",
                "streamaligner.upstream.first-byte-timeout.ms", "90000",
                "streamaligner.upstream.chunk-timeout.ms", "4000"), Map.of("MY_KEY", "sk-test-1234"));

        HttpModelSettings upstream = config.upstream().server().orElseThrow();
        assertThat(upstream.api()).isEqualTo(ApiKind.COMPLETIONS);
        assertThat(upstream.server()).isEqualTo(ServerKind.LLAMACPP);
        assertThat(upstream.servedModel()).isEqualTo("llama-3.1-8b");
        assertThat(upstream.apiKey().value()).contains("sk-test-1234");
        assertThat(upstream.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(upstream.firstByteTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(upstream.chunkTimeout()).isEqualTo(Duration.ofSeconds(4));
        // llama.cpp adds its own BOS to a text prompt, so the rendered one's is taken off
        assertThat(upstream.bosToken()).contains("<|begin_of_text|>");
    }

    @Test
    void shouldNeverDescribeTheKeyItself() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.UPSTREAM_URL, UPSTREAM, "streamaligner.upstream.api-key-env", "MY_KEY"),
                Map.of("MY_KEY", "sk-test-1234"));

        Map<String, String> described = config.describe();
        assertThat(described).containsEntry("streamaligner.upstream.api-key-env", "MY_KEY")
                .containsEntry("streamaligner.upstream.url", UPSTREAM)
                .containsEntry("streamaligner.upstream.server", "vllm");
        assertThat(described.values()).noneMatch(value -> value.contains("sk-test-1234"));
        assertThat(config.upstream().toString()).doesNotContain("sk-test-1234");
    }

    @Test
    void shouldRefuseAServerSettingWithoutAUrl() {
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.aligner.server", "sglang")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("streamaligner.aligner.server is set but streamaligner.aligner.url is not");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.ALIGNER_END_OF_ANSWER_TOKEN, "<|done|>")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("streamaligner.aligner.url is not");
    }

    @Test
    void shouldRefuseAKeyThatCannotGoInAHeaderWithoutQuotingIt(@TempDir Path keys) throws Exception {
        Path twoLines = Files.writeString(keys.resolve("two-keys.key"), "sk-first-secret\nsk-second-secret\n");

        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of(StreamAlignerConfig.UPSTREAM_URL, UPSTREAM,
                "streamaligner.upstream.api-key-file", twoLines.toString())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("streamaligner.upstream.api-key-file")
                .hasMessageContaining("line break")
                .hasMessageNotContaining("secret");
    }

    @Test
    void shouldRefuseOpenAiAsTheUpstreamSinceItCannotContinueAnAnswer() {
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.UPSTREAM_URL, "https://api.openai.com/v1", "streamaligner.upstream.server", "openai")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot continue a partly written assistant message")
                .hasMessageContaining("streamaligner.upstream.api=completions");
    }

    @Test
    void shouldAcceptOpenAiAsAnUpstreamOnItsCompletionsApiWhichContinuesText() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.UPSTREAM_URL, "https://api.openai.com/v1", "streamaligner.upstream.server", "openai",
                "streamaligner.upstream.api", "completions", "streamaligner.upstream.template", "plain"));

        assertThat(config.upstream().server().orElseThrow().api()).isEqualTo(ApiKind.COMPLETIONS);
    }

    @Test
    void shouldAcceptOpenAiAsTheAlignerWhichNeverContinuesAMessage() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.ALIGNER_URL, "https://api.openai.com/v1", "streamaligner.aligner.server", "openai",
                "streamaligner.aligner.served-model", "gpt-4o-mini"));

        assertThat(config.aligner().server().orElseThrow().server()).isEqualTo(ServerKind.OPENAI);
    }

    @Test
    void shouldRefuseTheCompletionsApiWithoutATemplateToRenderPromptsWith() {
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.UPSTREAM_URL, UPSTREAM, "streamaligner.upstream.api", "completions")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("streamaligner.upstream.template");
    }

    @Test
    void shouldSendTheTemplateArgumentsToServersThatTakeThem() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(StreamAlignerConfig.UPSTREAM_URL, UPSTREAM,
                "streamaligner.upstream.server", "sglang", StreamAlignerConfig.UPSTREAM_TEMPLATE_KWARGS, "enable_thinking=false"));

        assertThat(config.upstream().server().orElseThrow().templateArguments().values())
                .containsExactly(Map.entry("enable_thinking", false));
    }

    @Test
    void shouldRefuseTemplateArgumentsAServerCannotTakeOrACompletionsPromptCannotUse() {
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of(StreamAlignerConfig.UPSTREAM_URL, UPSTREAM,
                "streamaligner.upstream.server", "tgi", StreamAlignerConfig.UPSTREAM_TEMPLATE_KWARGS, "enable_thinking=false")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("tgi server takes no chat_template_kwargs");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of(StreamAlignerConfig.UPSTREAM_URL, UPSTREAM,
                "streamaligner.upstream.api", "completions", StreamAlignerConfig.UPSTREAM_TEMPLATE, "llama3",
                StreamAlignerConfig.UPSTREAM_TEMPLATE_KWARGS, "enable_thinking=false")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("api=completions");
    }

    @Test
    void shouldRefuseTwoKeySourcesAndAnUnsetKeyVariable() {
        Map<String, String> both = new HashMap<>(Map.of(StreamAlignerConfig.UPSTREAM_URL, UPSTREAM,
                "streamaligner.upstream.api-key-env", "MY_KEY", "streamaligner.upstream.api-key-file", "/run/secrets/key"));
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(both, Map.of("MY_KEY", "k")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not both");

        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of(StreamAlignerConfig.UPSTREAM_URL, UPSTREAM,
                "streamaligner.upstream.api-key-env", "MY_KEY"), Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("MY_KEY is not set");
    }

    @Test
    void shouldRefuseMalformedValuesNamingTheSetting() {
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of(StreamAlignerConfig.UPSTREAM_URL, "ftp://host/v1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(StreamAlignerConfig.UPSTREAM_URL);
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of(StreamAlignerConfig.UPSTREAM_URL, UPSTREAM,
                "streamaligner.upstream.server", "triton")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("streamaligner.upstream.server");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of(StreamAlignerConfig.UPSTREAM_URL, UPSTREAM,
                "streamaligner.upstream.chunk-timeout.ms", "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("streamaligner.upstream");
    }

    @Test
    void shouldDescribeAModelWithAServerByItsServerNotItsFolder() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(StreamAlignerConfig.UPSTREAM_URL, UPSTREAM,
                "streamaligner.upstream.served-model", "llama-3.1-8b"));

        assertThat(config.upstream().describe()).isEqualTo(UPSTREAM + " (vllm, chat API, model llama-3.1-8b)");
        assertThat(config.aligner().describe()).endsWith("toy-math-aligner");
    }
}
