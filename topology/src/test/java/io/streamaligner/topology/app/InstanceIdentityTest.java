package io.streamaligner.topology.app;

import io.streamaligner.topology.config.StreamAlignerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceIdentityTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepOneIdInTheDataDirectoryAcrossStarts() throws Exception {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of("streamaligner.data.dir", dataDir.toString()));

        String first = InstanceIdentity.of(config).orElseThrow();
        String second = InstanceIdentity.of(config).orElseThrow();

        assertThat(first).startsWith("stream-aligner-").isEqualTo(second);
        assertThat(Files.readString(dataDir.resolve(InstanceIdentity.FILE_NAME)).strip()).isEqualTo(first);
    }

    @Test
    void shouldTakeAConfiguredIdAndHaveNoneWithATemporaryDataDirectory() {
        assertThat(InstanceIdentity.of(StreamAlignerConfig.fromSettings(Map.of("streamaligner.instance.id", "node-a"))))
                .hasValue("node-a");
        assertThat(InstanceIdentity.of(StreamAlignerConfig.defaults())).isEmpty();
    }
}
