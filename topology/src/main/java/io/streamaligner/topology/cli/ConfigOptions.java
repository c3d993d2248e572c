package io.streamaligner.topology.cli;

import io.streamaligner.topology.config.StreamAlignerConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The connection and configuration flags every command that talks to Kafka shares: {@code --bootstrap-servers} and
 * the {@link SettingsOptions}; add it to a command with {@code @Mixin ConfigOptions config} and call
 * {@link #resolve()}.
 */
public final class ConfigOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers to connect to. Default: bootstrap.servers from the configuration; "
                    + "where none is set, commands that need Kafka start an embedded broker.")
    private String bootstrapServers;

    @Mixin
    private SettingsOptions settings;

    /** The configuration from the file, the process environment and these flags. */
    public StreamAlignerConfig resolve() {
        return resolve(System.getenv());
    }

    /** As {@link #resolve()}, with the given environment instead of the process's. */
    public StreamAlignerConfig resolve(Map<String, String> environment) {
        return resolve(environment, Map.of());
    }

    /** As {@link #resolve(Map)}, with settings the command chooses itself over the others (a dedicated flag still wins). */
    StreamAlignerConfig resolve(Map<String, String> environment, Map<String, String> commandSettings) {
        Map<String, String> flags = new LinkedHashMap<>(commandSettings);
        if (bootstrapServers != null) {
            flags.put(StreamAlignerConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        return settings.resolve(environment, flags);
    }
}
