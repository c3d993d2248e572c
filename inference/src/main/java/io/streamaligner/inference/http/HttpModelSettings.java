package io.streamaligner.inference.http;

import io.streamaligner.inference.template.TemplateArguments;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an OpenAI-compatible model is served and how to talk to it. Its {@code toString()} never shows the API key.
 *
 * @param baseUrl           the API root, typically ending in {@code /v1} ({@code http://127.0.0.1:8000/v1}); a
 *                          trailing slash is dropped
 * @param api               the endpoint requests go to
 * @param server            which server it is, for the fields it takes (see {@link ServerKind})
 * @param servedModel       the {@code model} field of every request; empty to use the first model the server lists
 * @param apiKey            sent as {@code Authorization: Bearer <key>}, or {@link ApiKey#NONE}
 * @param connectTimeout    how long a TCP (and TLS) connection may take
 * @param firstByteTimeout  how long the server may take to start streaming a response (queueing and prefill), or to
 *                          send a response asked whole
 * @param chunkTimeout      how long the server may go silent between two stream lines once it has started
 * @param endOfAnswerToken  the aligner's "answer complete" token ({@code <|end_of_answer|>}), sent as a stop string and
 *                          reported as {@link io.streamaligner.inference.FinishReason#END_OF_ANSWER}
 * @param bosToken          the BOS text the application's template writes at the start of a rendered prompt, for
 *                          servers that add their own to a completions prompt (llama.cpp)
 * @param templateArguments keyword arguments for the server's chat template, sent as {@code chat_template_kwargs}
 *                          with every chat request ({@code enable_thinking=false})
 */
public record HttpModelSettings(URI baseUrl, ApiKind api, ServerKind server, String servedModel, ApiKey apiKey,
                                Duration connectTimeout, Duration firstByteTimeout, Duration chunkTimeout,
                                Optional<String> endOfAnswerToken, Optional<String> bosToken,
                                TemplateArguments templateArguments) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_FIRST_BYTE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CHUNK_TIMEOUT = Duration.ofSeconds(30);

    public HttpModelSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(servedModel, "servedModel");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(endOfAnswerToken, "endOfAnswerToken");
        Objects.requireNonNull(bosToken, "bosToken");
        Objects.requireNonNull(templateArguments, "templateArguments");
        baseUrl = normalized(baseUrl);
        servedModel = servedModel.strip();
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(firstByteTimeout, "firstByteTimeout");
        requirePositive(chunkTimeout, "chunkTimeout");
        if (endOfAnswerToken.filter(String::isEmpty).isPresent()) {
            throw new IllegalArgumentException("endOfAnswerToken must not be empty (leave it out for none)");
        }
        if (bosToken.filter(String::isEmpty).isPresent()) {
            throw new IllegalArgumentException("bosToken must not be empty (leave it out for none)");
        }
    }

    /** Settings without chat template arguments. */
    public HttpModelSettings(URI baseUrl, ApiKind api, ServerKind server, String servedModel, ApiKey apiKey,
                             Duration connectTimeout, Duration firstByteTimeout, Duration chunkTimeout,
                             Optional<String> endOfAnswerToken, Optional<String> bosToken) {
        this(baseUrl, api, server, servedModel, apiKey, connectTimeout, firstByteTimeout, chunkTimeout, endOfAnswerToken,
                bosToken, TemplateArguments.NONE);
    }

    /**
     * vLLM's chat endpoint at {@code baseUrl}, the first model it lists, no key, and the default timeouts (connect 5 s,
     * first byte 60 s, between chunks 30 s).
     */
    public static HttpModelSettings defaults(URI baseUrl) {
        return new HttpModelSettings(baseUrl, ApiKind.CHAT, ServerKind.VLLM, "", ApiKey.NONE, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_FIRST_BYTE_TIMEOUT, DEFAULT_CHUNK_TIMEOUT, Optional.empty(), Optional.empty(), TemplateArguments.NONE);
    }

    public HttpModelSettings withApi(ApiKind newApi) {
        return new HttpModelSettings(baseUrl, newApi, server, servedModel, apiKey, connectTimeout, firstByteTimeout,
                chunkTimeout, endOfAnswerToken, bosToken, templateArguments);
    }

    public HttpModelSettings withServer(ServerKind newServer) {
        return new HttpModelSettings(baseUrl, api, newServer, servedModel, apiKey, connectTimeout, firstByteTimeout,
                chunkTimeout, endOfAnswerToken, bosToken, templateArguments);
    }

    public HttpModelSettings withServedModel(String newServedModel) {
        return new HttpModelSettings(baseUrl, api, server, newServedModel, apiKey, connectTimeout, firstByteTimeout,
                chunkTimeout, endOfAnswerToken, bosToken, templateArguments);
    }

    public HttpModelSettings withApiKey(ApiKey newApiKey) {
        return new HttpModelSettings(baseUrl, api, server, servedModel, newApiKey, connectTimeout, firstByteTimeout,
                chunkTimeout, endOfAnswerToken, bosToken, templateArguments);
    }

    public HttpModelSettings withTimeouts(Duration newConnect, Duration newFirstByte, Duration newChunk) {
        return new HttpModelSettings(baseUrl, api, server, servedModel, apiKey, newConnect, newFirstByte, newChunk,
                endOfAnswerToken, bosToken, templateArguments);
    }

    public HttpModelSettings withEndOfAnswerToken(String token) {
        return new HttpModelSettings(baseUrl, api, server, servedModel, apiKey, connectTimeout, firstByteTimeout,
                chunkTimeout, Optional.of(token), bosToken, templateArguments);
    }

    public HttpModelSettings withTemplateArguments(TemplateArguments arguments) {
        return new HttpModelSettings(baseUrl, api, server, servedModel, apiKey, connectTimeout, firstByteTimeout,
                chunkTimeout, endOfAnswerToken, bosToken, arguments);
    }

    /** {@code {baseUrl}/{path}}. */
    URI endpoint(String path) {
        return URI.create(baseUrl + "/" + path);
    }

    private static URI normalized(URI url) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("baseUrl must be an http or https URL, got " + url);
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("baseUrl has no host: " + url);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("baseUrl must not have a query or fragment: " + url);
        }
        if (url.getRawUserInfo() != null) {
            // a password in the URL would show up in every log line and error message that names the URL
            throw new IllegalArgumentException("baseUrl must not carry credentials; use the API key setting");
        }
        String text = url.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
    }
}
