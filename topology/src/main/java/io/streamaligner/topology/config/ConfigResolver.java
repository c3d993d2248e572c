package io.streamaligner.topology.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Merges the layers a setting can come from into one {@link StreamAlignerConfig}. A later layer wins:
 * <ol>
 *   <li>built-in defaults ({@link StreamAlignerConfig#fromSettings});</li>
 *   <li>a properties file ({@code --config FILE}, or the file named by {@value #CONFIG_FILE_VARIABLE});</li>
 *   <li>environment variables {@code STREAM_ALIGNER_<KEY>}: the key upper-cased with dots as underscores,
 *       the application's own without their {@code streamaligner.} prefix, e.g.
 *       {@code STREAM_ALIGNER_BOOTSTRAP_SERVERS} → {@code bootstrap.servers},
 *       {@code STREAM_ALIGNER_SASL_JAAS_CONFIG} → {@code sasl.jaas.config},
 *       {@code STREAM_ALIGNER_TOPIC_PREFIX} → {@code streamaligner.topic.prefix};</li>
 *   <li>command-line flags: {@code -D key=value}, then dedicated flags such as {@code --bootstrap-servers}.</li>
 * </ol>
 */
public final class ConfigResolver {

    /** Environment variables with this prefix are settings. */
    public static final String ENV_PREFIX = "STREAM_ALIGNER_";
    /** Names the properties file when no {@code --config} is given; itself not a setting. */
    public static final String CONFIG_FILE_VARIABLE = ENV_PREFIX + "CONFIG";

    private ConfigResolver() {
    }

    /**
     * Resolves the configuration from its layers.
     *
     * @param configFile  the properties file, if any
     * @param environment the process environment ({@code System.getenv()}): {@value #ENV_PREFIX}* variables, and
     *                    those {@code streamaligner.*.api-key-env} names
     * @param overrides   command-line settings, dedicated flags already merged over {@code -D} ones
     * @throws ConfigurationException when the file cannot be read or a setting is invalid
     */
    public static StreamAlignerConfig resolve(Optional<Path> configFile, Map<String, String> environment, Map<String, String> overrides) {
        requireNonNull(configFile, "configFile");
        requireNonNull(environment, "environment");
        requireNonNull(overrides, "overrides");
        Map<String, String> settings = new LinkedHashMap<>();
        configFile.ifPresent(file -> settings.putAll(settingsFromFile(file)));
        settings.putAll(settingsFromEnvironment(environment));
        settings.putAll(overrides);
        return StreamAlignerConfig.fromSettings(settings, environment);
    }

    /** The settings in a Java properties file (UTF-8). */
    public static Map<String, String> settingsFromFile(Path file) {
        requireNonNull(file, "file");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read configuration file " + file, e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key)));
        return settings;
    }

    /** The settings named by {@value #ENV_PREFIX}* variables, keyed as in a properties file. */
    public static Map<String, String> settingsFromEnvironment(Map<String, String> environment) {
        Map<String, String> settings = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && !name.equals(CONFIG_FILE_VARIABLE) && name.length() > ENV_PREFIX.length()) {
                settings.put(keyOfVariable(name), value);
            }
        });
        return settings;
    }

    /**
     * {@code STREAM_ALIGNER_TOPIC_PREFIX} → {@code streamaligner.topic.prefix},
     * {@code STREAM_ALIGNER_UPSTREAM_MAX_STEP_TOKENS} → {@code streamaligner.upstream.max-step-tokens} (an
     * underscore stands for a dot or a hyphen of the application's own keys); other names → Kafka keys.
     */
    static String keyOfVariable(String variableName) {
        String name = variableName.substring(ENV_PREFIX.length());
        for (String appKey : StreamAlignerConfig.APP_KEYS) {
            String unprefixed = appKey.substring(StreamAlignerConfig.PREFIX.length());
            if (unprefixed.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_').equals(name)) {
                return appKey;
            }
        }
        return name.toLowerCase(Locale.ROOT).replace('_', '.');
    }
}
