package io.streamaligner.topology.config;

import io.streamaligner.inference.http.ApiKey;
import io.streamaligner.inference.http.ApiKind;
import io.streamaligner.inference.http.HttpModelSettings;
import io.streamaligner.inference.http.ServerKind;
import io.streamaligner.inference.template.ChatTemplate;
import io.streamaligner.inference.template.TemplateArguments;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads and describes the settings of a model behind an OpenAI-compatible server: {@code streamaligner.<model>.url}
 * and the {@link StreamAlignerConfig#SERVER_KEY_SUFFIXES} beside it, for {@code <model>} = {@code upstream} or
 * {@code aligner}.
 */
final class ServerSettings {

    private ServerSettings() {
    }

    /**
     * The model's server, or empty when no URL is set (the model then runs here).
     *
     * @param environment where {@code api-key-env} names the key
     * @param template    the model's {@code template} setting, which the completions API renders prompts with
     * @param arguments   the model's {@code template-kwargs}, sent to the server's chat template
     * @param endOfAnswer the token an aligner's server reports when the answer is complete; empty for the upstream
     * @throws ConfigurationException for a malformed value, a server setting without a URL, two key sources, an
     *                                unset key variable, an upstream on a server that cannot continue an answer, the
     *                                completions API without a template, or template arguments the server cannot take
     */
    static Optional<HttpModelSettings> read(SettingsReader read, Map<String, String> environment, String model,
                                            Optional<String> template, TemplateArguments arguments,
                                            Optional<String> endOfAnswer) {
        String prefix = StreamAlignerConfig.PREFIX + model + ".";
        Optional<String> url = read.text(prefix + "url");
        if (url.isEmpty()) {
            for (String suffix : StreamAlignerConfig.SERVER_KEY_SUFFIXES) {
                if (read.text(prefix + suffix).isPresent()) {
                    throw new ConfigurationException(prefix + suffix + " is set but " + prefix + "url is not: set the "
                            + model + "'s server URL (…/v1), or remove the server settings to run the model here");
                }
            }
            return Optional.empty();
        }
        URI baseUrl = read.parsed(prefix + "url", ServerSettings::httpUrl, "an http(s) URL such as http://127.0.0.1:8000/v1")
                .orElseThrow();
        ApiKind api = read.parsed(prefix + "api", ApiKind::fromConfigValue, "chat or completions").orElse(ApiKind.CHAT);
        ServerKind server = read.parsed(prefix + "server", ServerKind::fromConfigValue, Arrays.stream(ServerKind.values())
                .map(ServerKind::configValue).collect(Collectors.joining(", "))).orElse(ServerKind.VLLM);
        // every round after the first continues the aligned prefix as the assistant's message
        if (model.equals("upstream") && api == ApiKind.CHAT && !server.continuesAssistantMessage()) {
            throw new ConfigurationException(prefix + "server=" + server.configValue() + ": its chat API cannot continue a "
                    + "partly written assistant message, which every round after the first asks of the upstream; serve "
                    + "the upstream with vLLM, SGLang, llama.cpp, TGI or Ollama, or ask a completions model ("
                    + prefix + "api=completions with " + prefix + "template)");
        }
        if (api == ApiKind.COMPLETIONS && template.isEmpty()) {
            throw new ConfigurationException(prefix + "api=completions sends prompts rendered here: set " + prefix
                    + "template to the served model's chat format (" + String.join(", ", ChatTemplate.names()) + ")");
        }
        if (!arguments.isEmpty() && api == ApiKind.COMPLETIONS) {
            throw new ConfigurationException(prefix + "template-kwargs is set with " + prefix + "api=completions: the "
                    + "prompt is then rendered here by the built-in template " + template.orElse("") + ", which takes no "
                    + "arguments; use the chat API, where the server's own chat template gets them");
        }
        if (!arguments.isEmpty() && !server.takesChatTemplateArguments()) {
            throw new ConfigurationException(prefix + "template-kwargs is set, but the " + server.configValue()
                    + " server takes no chat_template_kwargs (vllm, sglang and llamacpp do)");
        }
        HttpModelSettings defaults = HttpModelSettings.defaults(baseUrl);
        return Optional.of(read.build(prefix + "*", () -> new HttpModelSettings(baseUrl, api, server,
                read.text(prefix + "served-model").orElse(""),
                apiKey(read, environment, prefix),
                Duration.ofMillis(read.longInteger(prefix + "connect-timeout.ms", defaults.connectTimeout().toMillis())),
                Duration.ofMillis(read.longInteger(prefix + "first-byte-timeout.ms", defaults.firstByteTimeout().toMillis())),
                Duration.ofMillis(read.longInteger(prefix + "chunk-timeout.ms", defaults.chunkTimeout().toMillis())),
                endOfAnswer,
                // llama.cpp puts its own BOS before a text prompt: it gets the rendered one without the template's
                api == ApiKind.COMPLETIONS ? template.flatMap(ServerSettings::leadingBos) : Optional.empty(),
                arguments)));
    }

    /** Adds the server settings of {@code settings}, if it has a server, to a configuration's description. */
    static void describe(Map<String, String> described, String model, ModelSettings settings) {
        String prefix = StreamAlignerConfig.PREFIX + model + ".";
        settings.server().ifPresent(http -> {
            described.put(prefix + "url", http.baseUrl().toString());
            described.put(prefix + "api", http.api().configValue());
            described.put(prefix + "server", http.server().configValue());
            described.put(prefix + "served-model", http.servedModel().isEmpty() ? "(the first the server lists)" : http.servedModel());
            // where the key comes from, never the key
            described.put(prefix + "api-key-env", http.apiKey().environmentVariable().orElse("(none)"));
            described.put(prefix + "api-key-file", http.apiKey().file().map(Path::toString).orElse("(none)"));
            described.put(prefix + "connect-timeout.ms", String.valueOf(http.connectTimeout().toMillis()));
            described.put(prefix + "first-byte-timeout.ms", String.valueOf(http.firstByteTimeout().toMillis()));
            described.put(prefix + "chunk-timeout.ms", String.valueOf(http.chunkTimeout().toMillis()));
        });
    }

    private static ApiKey apiKey(SettingsReader read, Map<String, String> environment, String prefix) {
        Optional<String> variable = read.text(prefix + "api-key-env");
        Optional<String> file = read.text(prefix + "api-key-file");
        if (variable.isPresent() && file.isPresent()) {
            throw new ConfigurationException("set one of " + prefix + "api-key-env and " + prefix + "api-key-file, not both");
        }
        try {
            if (variable.isPresent()) {
                return ApiKey.fromEnvironment(variable.get(), environment);
            }
            return file.map(name -> ApiKey.fromFile(Path.of(name))).orElse(ApiKey.NONE);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException((variable.isPresent() ? prefix + "api-key-env" : prefix + "api-key-file")
                    + ": " + e.getMessage(), e);
        }
    }

    private static Optional<String> leadingBos(String templateName) {
        try {
            return ChatTemplate.named(templateName).leadingBos();
        } catch (IllegalArgumentException unknown) {
            return Optional.empty(); // the template setting itself reports the unknown name
        }
    }

    private static URI httpUrl(String value) {
        URI uri = URI.create(value);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(value);
        }
        return uri;
    }
}
