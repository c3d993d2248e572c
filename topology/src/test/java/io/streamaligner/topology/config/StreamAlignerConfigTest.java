package io.streamaligner.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.inference.onnx.ExecutionProvider;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.topology.TopologySettings;
import io.streamaligner.topology.Wiring;
import io.streamaligner.topology.processor.InferenceSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamAlignerConfigTest {

    @Test
    void shouldUseDefaultsWhenNothingIsSet() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of());

        assertThat(config.bootstrapServers()).isEmpty();
        assertThat(config.applicationId()).isEqualTo("stream-aligner");
        assertThat(config.processingGuarantee()).isEqualTo(ProcessingGuarantee.EXACTLY_ONCE_V2);
        assertThat(config.topics().prefix()).isEmpty();
        assertThat(config.topics().partitions()).isEqualTo(StreamAlignerConfig.DEFAULT_PARTITIONS);
        assertThat(config.dataDir()).isEmpty();
        assertThat(config.upstream().folder()).endsWith(Path.of("models", "toy-math-upstream")).isDirectory();
        assertThat(config.aligner().folder()).endsWith(Path.of("models", "toy-math-aligner")).isDirectory();
        assertThat(config.upstream().template()).isEmpty();
        assertThat(config.aligner().template()).isEmpty();
        assertThat(config.kafkaProperties())
                .containsOnly(Map.entry("application.id", "stream-aligner"), Map.entry("processing.guarantee", "exactly_once_v2"));
    }

    @Test
    void shouldReadTheApplicationsOwnSettings() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                "streamaligner.topic.prefix", "sa.",
                "streamaligner.topic.partitions", "8",
                "streamaligner.data.dir", "data",
                "streamaligner.upstream.model", "/models/llama",
                "streamaligner.aligner.model", "/models/gemma-aligner",
                "streamaligner.upstream.template", "llama3",
                "streamaligner.aligner.template", "gemma",
                "streamaligner.upstream.template-kwargs", "enable_thinking=false, date_string=26 Jul 2024",
                "processing.guarantee", "at_least_once",
                "application.id", "aligner-a"));

        assertThat(config.topic("prompts")).isEqualTo("sa.prompts");
        assertThat(config.topics().partitions()).isEqualTo(8);
        assertThat(config.dataDir()).contains(Path.of("data").toAbsolutePath());
        assertThat(config.upstream().folder()).isEqualTo(Path.of("/models/llama"));
        assertThat(config.aligner().folder()).isEqualTo(Path.of("/models/gemma-aligner"));
        assertThat(config.upstream().template()).contains("llama3");
        assertThat(config.aligner().template()).contains("gemma");
        assertThat(config.upstream().templateArguments().values()).containsExactly(
                Map.entry("enable_thinking", false), Map.entry("date_string", "26 Jul 2024"));
        assertThat(config.aligner().templateArguments().isEmpty()).isTrue();
        assertThat(config.describe()).containsEntry("streamaligner.upstream.template-kwargs",
                "enable_thinking=false,date_string=26 Jul 2024").containsEntry("streamaligner.aligner.template-kwargs", "(none)");
        assertThat(config.processingGuarantee()).isEqualTo(ProcessingGuarantee.AT_LEAST_ONCE);
        assertThat(config.kafkaProperties())
                .containsEntry("application.id", "aligner-a")
                .containsEntry("processing.guarantee", "at_least_once")
                .doesNotContainKeys(StreamAlignerConfig.APP_KEYS.toArray());
    }

    @Test
    void shouldPassEveryKafkaPropertyThroughUntouched() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                "bootstrap.servers", "broker-1:9093,broker-2:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";",
                "commit.interval.ms", "50"));

        assertThat(config.bootstrapServers()).contains("broker-1:9093,broker-2:9093");
        assertThat(config.kafkaProperties())
                .containsEntry("bootstrap.servers", "broker-1:9093,broker-2:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";")
                .containsEntry("commit.interval.ms", "50");
    }

    @Test
    void shouldHideSecretsWhenDescribed() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                "sasl.jaas.config", "... password=\"p\";",
                "ssl.truststore.password", "changeit",
                "security.protocol", "SASL_SSL"));

        assertThat(config.describe())
                .containsEntry("sasl.jaas.config", "[hidden]")
                .containsEntry("ssl.truststore.password", "[hidden]")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("streamaligner.data.dir", "(temporary)");
    }

    @Test
    void shouldReadTheHttpPortsSettingsAndDescribeTheKeysSourceNeverTheKey() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                "streamaligner.http.port", "9404",
                "streamaligner.http.api-key-env", "GATEWAY_KEY",
                "streamaligner.http.cors-origins", "https://app.example.com, http://localhost:5173",
                "streamaligner.http.max-streams", "8",
                "streamaligner.http.kept-requests", "20"), Map.of("GATEWAY_KEY", "s3cret"));

        HttpSettings http = config.http();
        assertThat(http.port()).hasValue(9404);
        assertThat(http.host()).isEqualTo("127.0.0.1");
        assertThat(http.apiKey().value()).hasValue("s3cret");
        assertThat(http.corsOrigins()).containsExactly("https://app.example.com", "http://localhost:5173");
        assertThat(http.maxStreams()).isEqualTo(8);
        assertThat(http.keptRequests()).isEqualTo(20);
        assertThat(config.describe()).containsEntry("streamaligner.http.api-key-env", "GATEWAY_KEY")
                .containsEntry("streamaligner.http.cors-origins", "https://app.example.com,http://localhost:5173")
                .doesNotContainValue("s3cret");
        HttpSettings defaults = StreamAlignerConfig.defaults().http();
        assertThat(defaults.port()).isEmpty();
        assertThat(defaults.apiKey().isPresent()).isFalse();
        assertThat(defaults.corsOrigins()).as("no CORS unless configured").isEmpty();
        assertThat(defaults.maxStreams()).isEqualTo(64);
        assertThat(defaults.keptRequests()).isEqualTo(1000);
    }

    @Test
    void shouldRejectMalformedHttpSettingsNamingTheKey() {
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.http.api-key-env", "UNSET_VAR"), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("streamaligner.http.api-key-env: the API key environment variable UNSET_VAR is not set");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.http.cors-origins", "https://a.example/app")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("https://a.example/app")
                .hasMessageContaining("no path");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.http.max-streams", "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("max-streams must be positive");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.http.kept-requests", "many")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("streamaligner.http.kept-requests");
    }

    @Test
    void shouldTreatABlankBootstrapServersAsNone() {
        assertThat(StreamAlignerConfig.fromSettings(Map.of("bootstrap.servers", "  ")).bootstrapServers()).isEmpty();
    }

    @Test
    void shouldPointAtAnotherClusterWhenGivenOne() {
        StreamAlignerConfig embedded = StreamAlignerConfig.fromSettings(Map.of("streamaligner.topic.prefix", "sa."))
                .withBootstrapServers("127.0.0.1:40001");

        assertThat(embedded.bootstrapServers()).contains("127.0.0.1:40001");
        assertThat(embedded.kafkaProperties()).containsEntry("bootstrap.servers", "127.0.0.1:40001");
        assertThat(embedded.topics().prefix()).isEqualTo("sa.");
    }

    @Test
    void shouldRejectAnUnknownSettingOfTheApplication() {
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.topic.prefx", "sa.")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("streamaligner.topic.prefx")
                .hasMessageContaining("streamaligner.topic.prefix");
    }

    @Test
    void shouldRejectMalformedValues() {
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("processing.guarantee", "exactly_once")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("exactly_once_v2, at_least_once");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.topic.partitions", "four")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("four");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.topic.partitions", "0")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.aligner.template-kwargs", "thinking")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("streamaligner.aligner.template-kwargs").hasMessageContaining("enable_thinking=false");
    }

    @Test
    void shouldKeepTypedSettingsOutOfThePassThroughMap() {
        StreamAlignerConfig defaults = StreamAlignerConfig.defaults();
        assertThatThrownBy(() -> new StreamAlignerConfig(Optional.empty(), "app", ProcessingGuarantee.AT_LEAST_ONCE,
                defaults.topics(), Optional.empty(), defaults.upstream(), defaults.aligner(), EngineOptions.cpu(),
                defaults.topology(), HttpSettings.OFF, Optional.empty(), Map.of("bootstrap.servers", "x:1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap.servers");
    }

    @Test
    void shouldRunBothModelsOnOneCpuThreadEachByDefault() {
        EngineOptions engine = StreamAlignerConfig.fromSettings(Map.of()).engine();

        assertThat(engine.provider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(engine.intraOpThreads()).isEqualTo(1);
        assertThat(engine.fallbackToCpu()).isFalse();
    }

    @Test
    void shouldReadTheEngineSettings() {
        EngineOptions engine = StreamAlignerConfig.fromSettings(Map.of("streamaligner.engine.provider", "CUDA",
                "streamaligner.engine.device", "2", "streamaligner.engine.cpu.fallback", "true",
                "streamaligner.engine.threads", "0")).engine();

        assertThat(engine.provider()).isEqualTo(ExecutionProvider.CUDA);
        assertThat(engine.deviceIndex()).isEqualTo(2);
        assertThat(engine.fallbackToCpu()).isTrue();
        assertThat(engine.intraOpThreads()).isZero();
    }

    @Test
    void shouldRejectMalformedEngineSettings() {
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.engine.provider", "tpu")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cpu or cuda");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.engine.threads", "-1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.engine.cpu.fallback", "yes")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("true or false");
    }

    @Test
    void shouldDefaultTheLoopToTheTopologysDefaults() {
        TopologySettings topology = StreamAlignerConfig.defaults().topology();

        assertThat(topology).isEqualTo(TopologySettings.DEFAULTS);
        assertThat(StreamAlignerConfig.defaults().engine().maxBatchSize()).isEqualTo(EngineOptions.DEFAULT_MAX_BATCH_SIZE);
    }

    @Test
    void shouldReadTheLoopsSettings() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                "streamaligner.topology.wiring", "topics",
                "streamaligner.inference.max-in-flight", "64",
                "streamaligner.inference.interval.ms", "5",
                "streamaligner.inference.call-timeout.ms", "1000",
                "streamaligner.inference.max-attempts", "5",
                "streamaligner.inference.retry-backoff.ms", "50",
                "streamaligner.upstream.max-step-tokens", "96",
                "streamaligner.aligner.max-correction-tokens", "48",
                "streamaligner.aligner.progress-retention.ms", "60000",
                "streamaligner.engine.max-batch-size", "32"));

        TopologySettings topology = config.topology();
        assertThat(topology.wiring()).isEqualTo(Wiring.TOPICS);
        assertThat(topology.inference()).isEqualTo(new InferenceSettings(64, Duration.ofMillis(5), Duration.ofSeconds(1), 5,
                Duration.ofMillis(50)));
        assertThat(topology.limits()).isEqualTo(new LoopLimits(96, 48, LoopLimits.DEFAULT_MAX_QUESTION_BYTES));
        assertThat(topology.progressRetention()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.engine().maxBatchSize()).isEqualTo(32);
        assertThat(config.describe()).containsEntry("streamaligner.topology.wiring", "topics")
                .containsEntry("streamaligner.aligner.max-correction-tokens", "48");
    }

    @Test
    void shouldRejectMalformedLoopSettingsNamingTheKey() {
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.topology.wiring", "tubes")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("streamaligner.topology.wiring")
                .hasMessageContaining("in-memory or topics");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.upstream.max-step-tokens", "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxUpstreamStepTokens");
        assertThatThrownBy(() -> StreamAlignerConfig.fromSettings(Map.of("streamaligner.inference.max-in-flight", "many")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("streamaligner.inference.max-in-flight");
    }

    @Test
    void shouldNameEachContractTopicAsConfiguredWithThePrefix() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of(
                "streamaligner.topic.prefix", "sa.",
                "streamaligner.topic.prompts", "questions",
                "streamaligner.topic.dead-letter", "dlq"));

        assertThat(config.topicNames().prompts().name()).isEqualTo("sa.questions");
        assertThat(config.topicNames().deadLetter().name()).isEqualTo("sa.dlq");
        assertThat(config.topicNames().responses().name()).isEqualTo("sa.responses");
        assertThat(config.describe()).containsEntry("streamaligner.topic.prompts", "sa.questions");
    }

    @Test
    void shouldDocumentEverySettingInTheReadme(@TempDir Path keys) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));

        assertThat(StreamAlignerConfig.APP_KEYS).allSatisfy(key -> assertThat(readme).as("README names " + key)
                .contains("`" + key + "`"));
        // the server settings are described for a model that has a server
        Path keyFile = Files.writeString(keys.resolve("aligner.key"), "secret-in-a-file\n");
        StreamAlignerConfig withServers = StreamAlignerConfig.fromSettings(Map.of(
                StreamAlignerConfig.UPSTREAM_URL, "http://127.0.0.1:8000/v1",
                "streamaligner.upstream.api-key-env", "UPSTREAM_KEY",
                StreamAlignerConfig.ALIGNER_URL, "http://127.0.0.1:8001/v1",
                "streamaligner.aligner.api-key-file", keyFile.toString()), Map.of("UPSTREAM_KEY", "secret-in-the-env"));
        java.util.Set<String> described = new java.util.HashSet<>(StreamAlignerConfig.defaults().describe().keySet());
        described.addAll(withServers.describe().keySet());
        assertThat(described).containsAll(StreamAlignerConfig.APP_KEYS);
    }
}
