package io.streamaligner.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigResolverTest {

    @TempDir
    Path dir;

    @Test
    void shouldLetTheEnvironmentOverrideTheFileAndFlagsOverrideBoth() throws IOException {
        Path file = Files.writeString(dir.resolve("app.properties"), """
                bootstrap.servers=from-file:9092
                streamaligner.topic.prefix=file.
                streamaligner.topic.partitions=2
                linger.ms=5
                """);
        Map<String, String> environment = Map.of(
                "STREAM_ALIGNER_TOPIC_PREFIX", "env.",
                "STREAM_ALIGNER_TOPIC_PARTITIONS", "6");
        Map<String, String> flags = Map.of("streamaligner.topic.partitions", "9");

        StreamAlignerConfig config = ConfigResolver.resolve(Optional.of(file), environment, flags);

        assertThat(config.bootstrapServers()).contains("from-file:9092");
        assertThat(config.topics().prefix()).isEqualTo("env.");
        assertThat(config.topics().partitions()).isEqualTo(9);
        assertThat(config.kafkaProperties()).containsEntry("linger.ms", "5");
    }

    @Test
    void shouldMapEnvironmentVariablesToApplicationAndKafkaKeys() {
        Map<String, String> settings = ConfigResolver.settingsFromEnvironment(Map.of(
                "STREAM_ALIGNER_BOOTSTRAP_SERVERS", "kafka:9092",
                "STREAM_ALIGNER_SASL_JAAS_CONFIG", "jaas",
                "STREAM_ALIGNER_UPSTREAM_MODEL", "/models/up",
                "STREAM_ALIGNER_CONFIG", "/etc/app.properties",
                "PATH", "/usr/bin"));

        assertThat(settings).containsOnly(
                Map.entry("bootstrap.servers", "kafka:9092"),
                Map.entry("sasl.jaas.config", "jaas"),
                Map.entry("streamaligner.upstream.model", "/models/up"));
    }

    @Test
    void shouldReportAConfigurationFileThatCannotBeRead() {
        Path missing = dir.resolve("missing.properties");

        assertThatThrownBy(() -> ConfigResolver.resolve(Optional.of(missing), Map.of(), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("missing.properties");
    }
}
