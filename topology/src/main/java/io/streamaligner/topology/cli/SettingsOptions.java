package io.streamaligner.topology.cli;

import io.streamaligner.topology.config.ConfigResolver;
import io.streamaligner.topology.config.StreamAlignerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The configuration flags every command that reads settings shares ({@code --config}, {@code -D}); a command that
 * talks to Kafka takes them through {@link ConfigOptions}, which adds {@code --bootstrap-servers}, and one that does
 * not ({@code serve}) with {@code @Mixin SettingsOptions settings}. Flags win over the environment, which wins over
 * the file (see {@link ConfigResolver}).
 */
public final class SettingsOptions {

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:" + ConfigResolver.CONFIG_FILE_VARIABLE + "}",
            description = "A properties file of settings: Kafka client and Streams properties (security included) "
                    + "and streamaligner.* settings. Default: the file named by $" + ConfigResolver.CONFIG_FILE_VARIABLE + ".")
    private Path configFile;

    @Option(names = {"-D", "--property"}, paramLabel = "KEY=VALUE",
            description = "One setting, overriding the file and STREAM_ALIGNER_* environment variables; repeatable. "
                    + "E.g. -D processing.guarantee=at_least_once -D streamaligner.topic.prefix=sa.")
    private Map<String, String> properties = new LinkedHashMap<>();

    /** The configuration from the file, the process environment and these flags. */
    public StreamAlignerConfig resolve() {
        return resolve(System.getenv());
    }

    /** As {@link #resolve()}, with the given environment instead of the process's. */
    public StreamAlignerConfig resolve(Map<String, String> environment) {
        return resolve(environment, Map.of());
    }

    /** As {@link #resolve(Map)}, with the settings of dedicated flags over the {@code -D} ones. */
    StreamAlignerConfig resolve(Map<String, String> environment, Map<String, String> flagSettings) {
        Map<String, String> overrides = new LinkedHashMap<>(properties);
        overrides.putAll(flagSettings);
        return ConfigResolver.resolve(Optional.ofNullable(configFile), environment, overrides);
    }
}
