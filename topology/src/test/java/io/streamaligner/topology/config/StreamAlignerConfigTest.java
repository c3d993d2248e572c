package io.streamaligner.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.inference.onnx.ExecutionProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamAlignerConfigTest {

    @Test
    void shouldUseDefaultsWhenNothingIsSet() {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of());

        assertThat(config.bootstrapServers()).isEmpty();
        assertThat(config.applicationId()).isEqualTo("stream-aligner");
        assertThat(config.processingGuarantee()).isEqualTo(ProcessingGuarantee.EXACTLY_ONCE_V2);
        assertThat(config.topicPrefix()).isEmpty();
        assertThat(config.partitions()).isEqualTo(StreamAlignerConfig.DEFAULT_PARTITIONS);
        assertThat(config.dataDir()).isEmpty();
        assertThat(config.upstreamModelDir()).endsWith(Path.of("models", "toy-math-upstream")).isDirectory();
        assertThat(config.alignerModelDir()).endsWith(Path.of("models", "toy-math-aligner")).isDirectory();
        assertThat(config.upstreamTemplate()).isEmpty();
        assertThat(config.alignerTemplate()).isEmpty();
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
                "processing.guarantee", "at_least_once",
                "application.id", "aligner-a"));

        assertThat(config.topic("prompts")).isEqualTo("sa.prompts");
        assertThat(config.partitions()).isEqualTo(8);
        assertThat(config.dataDir()).contains(Path.of("data").toAbsolutePath());
        assertThat(config.upstreamModelDir()).isEqualTo(Path.of("/models/llama"));
        assertThat(config.alignerModelDir()).isEqualTo(Path.of("/models/gemma-aligner"));
        assertThat(config.upstreamTemplate()).contains("llama3");
        assertThat(config.alignerTemplate()).contains("gemma");
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
    void shouldTreatABlankBootstrapServersAsNone() {
        assertThat(StreamAlignerConfig.fromSettings(Map.of("bootstrap.servers", "  ")).bootstrapServers()).isEmpty();
    }

    @Test
    void shouldPointAtAnotherClusterWhenGivenOne() {
        StreamAlignerConfig embedded = StreamAlignerConfig.fromSettings(Map.of("streamaligner.topic.prefix", "sa."))
                .withBootstrapServers("127.0.0.1:40001");

        assertThat(embedded.bootstrapServers()).contains("127.0.0.1:40001");
        assertThat(embedded.kafkaProperties()).containsEntry("bootstrap.servers", "127.0.0.1:40001");
        assertThat(embedded.topicPrefix()).isEqualTo("sa.");
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
    }

    @Test
    void shouldKeepTypedSettingsOutOfThePassThroughMap() {
        assertThatThrownBy(() -> new StreamAlignerConfig(Optional.empty(), "app", ProcessingGuarantee.AT_LEAST_ONCE, "", 1,
                Optional.empty(), Path.of("u"), Path.of("a"), Optional.empty(), Optional.empty(), EngineOptions.cpu(),
                Map.of("bootstrap.servers", "x:1")))
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
}
