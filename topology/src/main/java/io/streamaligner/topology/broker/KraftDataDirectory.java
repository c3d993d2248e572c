package io.streamaligner.topology.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;

/**
 * The embedded broker's data on disk: {@code server.properties} and a {@code logs/} folder that KRaft
 * needs formatted (cluster id, metadata version) before the first start.
 */
final class KraftDataDirectory {

    private KraftDataDirectory() {
    }

    /**
     * Formats the log directory for KRaft unless an earlier run already did; the properties are written
     * to {@code server.properties} for the format tool.
     */
    static void formatIfNew(Path dir, Properties serverProperties) {
        Path logDir = Path.of(serverProperties.getProperty("log.dirs"));
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path configFile = dir.resolve("server.properties");
        try {
            Files.createDirectories(logDir);
            try (OutputStream out = Files.newOutputStream(configFile)) {
                serverProperties.store(out, "embedded stream-aligner broker");
            }
        } catch (IOException e) {
            throw new EmbeddedBrokerException("cannot prepare data directory " + dir, e);
        }
        ByteArrayOutputStream toolOutput = new ByteArrayOutputStream();
        String[] args = {"format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()};
        int exitCode;
        try (PrintStream print = new PrintStream(toolOutput, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(args, print);
        } catch (RuntimeException e) {
            throw new EmbeddedBrokerException("cannot format " + logDir + ": " + toolOutput.toString(StandardCharsets.UTF_8), e);
        }
        if (exitCode != 0) {
            throw new EmbeddedBrokerException("cannot format " + logDir + " (exit " + exitCode + "): "
                    + toolOutput.toString(StandardCharsets.UTF_8));
        }
    }

    /** A new, empty directory under the system's temporary folder. */
    static Path createTemporary() {
        try {
            return Files.createTempDirectory("stream-aligner-kafka-");
        } catch (IOException e) {
            throw new EmbeddedBrokerException("cannot create a temporary data directory", e);
        }
    }

    /** Deletes the directory and all in it, if it exists. */
    static void delete(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            throw new EmbeddedBrokerException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
