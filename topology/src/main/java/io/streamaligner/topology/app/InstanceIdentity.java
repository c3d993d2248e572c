package io.streamaligner.topology.app;

import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.error.UserFixableException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * The instance's static group membership id ({@code group.instance.id}): {@code streamaligner.instance.id} when set,
 * else one kept in {@value #FILE_NAME} under the data directory, made on its first start. A restarted instance comes
 * back under the same id and the group hands it its tasks at once instead of waiting out the old member's session;
 * with a temporary data directory there is nothing to come back to, and no id.
 */
final class InstanceIdentity {

    static final String FILE_NAME = "instance.id";

    private InstanceIdentity() {
    }

    static Optional<String> of(StreamAlignerConfig config) {
        if (config.instanceId().isPresent()) {
            return config.instanceId();
        }
        return config.dataDir().map(InstanceIdentity::keptIn);
    }

    private static String keptIn(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!kept.isEmpty()) {
                    return kept;
                }
            }
            String made = "stream-aligner-" + UUID.randomUUID();
            Files.createDirectories(dataDir);
            Files.writeString(file, made + System.lineSeparator(), StandardCharsets.UTF_8);
            return made;
        } catch (IOException e) {
            throw new UserFixableException("cannot keep the instance id in " + file + ": " + e.getMessage(), e);
        }
    }
}
