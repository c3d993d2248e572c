package io.streamaligner.inference.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.SamplingParams;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which OpenAI-compatible server a backend talks to, and the one place for what differs between them: which sampling
 * fields each takes and under which names, how a chat request continues a partly written assistant message, and how a
 * rendered completions prompt keeps a single BOS token.
 *
 * <p>The standard fields ({@code temperature}, {@code top_p}, {@code seed}, {@code frequency_penalty},
 * {@code max_tokens}) go to every server; {@code top_k}, {@code repetition_penalty} and {@code min_tokens} only to
 * those that take them. A non-neutral value of a field the server does not take fails the request ({@link #check});
 * a neutral one is simply not sent.
 */
public enum ServerKind {

    /** vLLM's OpenAI-compatible server. */
    VLLM("vllm"),
    /** SGLang's OpenAI-compatible server. */
    SGLANG("sglang"),
    /** llama.cpp's {@code llama-server}. */
    LLAMACPP("llamacpp"),
    /** Hugging Face text-generation-inference (its {@code /v1} routes). */
    TGI("tgi"),
    /** Ollama's OpenAI-compatible {@code /v1} routes. */
    OLLAMA("ollama"),
    /** OpenAI's own API. */
    OPENAI("openai"),
    /** Any other server that speaks the OpenAI API: standard fields only. */
    GENERIC("generic");

    private final String configValue;

    ServerKind(String configValue) {
        this.configValue = configValue;
    }

    /** The value configuration files use for this server. */
    public String configValue() {
        return configValue;
    }

    /**
     * @param value one of {@code vllm, sglang, llamacpp, tgi, ollama, openai, generic}, in any case
     * @throws IllegalArgumentException for any other value, listing the accepted ones
     */
    public static ServerKind fromConfigValue(String value) {
        return ConfigValues.parse(values(), ServerKind::configValue, value, "server kind");
    }

    /**
     * Whether its chat endpoint can continue a partly written assistant message. OpenAI's API cannot: a trailing
     * assistant message there is a finished turn, and the model answers after it.
     */
    public boolean continuesAssistantMessage() {
        return this != OPENAI;
    }

    /**
     * Whether its chat endpoint hands {@code chat_template_kwargs} to the model's chat template (vLLM, SGLang and
     * llama.cpp do; TGI, Ollama and OpenAI have no such field).
     */
    public boolean takesChatTemplateArguments() {
        return this == VLLM || this == SGLANG || this == LLAMACPP;
    }

    /**
     * Checks that this server can take these sampling settings (the application checks its configured defaults at
     * start-up; every request is checked again).
     *
     * @throws IllegalArgumentException naming each parameter this server does not take and the server
     */
    public void check(SamplingParams sampling, int minNewTokens) {
        Objects.requireNonNull(sampling, "sampling");
        List<String> refused = new ArrayList<>();
        if (sampling.topK() > 0 && topKField().isEmpty()) {
            refused.add("top_k (got " + sampling.topK() + "; 0 turns it off)");
        }
        if (sampling.repetitionPenalty() != 1 && repetitionPenaltyField().isEmpty()) {
            refused.add("repetition_penalty (got " + sampling.repetitionPenalty() + "; 1 turns it off)");
        }
        if (minNewTokens > 0 && minTokensField().isEmpty()) {
            refused.add("min_tokens (got " + minNewTokens + "; 0 turns it off)");
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("the " + configValue + " server does not take "
                    + String.join(", ", refused));
        }
    }

    /** The name under which it takes a top-k cut, if it takes one. */
    Optional<String> topKField() {
        return switch (this) {
            case VLLM, SGLANG, LLAMACPP -> Optional.of("top_k");
            default -> Optional.empty();
        };
    }

    /** The name under which it takes a CTRL-style repetition penalty, if it takes one. */
    Optional<String> repetitionPenaltyField() {
        return switch (this) {
            case VLLM, SGLANG -> Optional.of("repetition_penalty");
            case LLAMACPP -> Optional.of("repeat_penalty");
            default -> Optional.empty();
        };
    }

    /** The name under which it takes a minimum number of new tokens, if it takes one. */
    Optional<String> minTokensField() {
        return switch (this) {
            case VLLM, SGLANG -> Optional.of("min_tokens");
            default -> Optional.empty();
        };
    }

    /**
     * Whether an extra field the request leaves out takes a default other than the neutral one: vLLM and SGLang read
     * the model's {@code generation_config.json} (a top-k of 20, a repetition penalty of 1.05 …), llama.cpp has its own
     * defaults (top-k 40, min-p 0.05). Such servers get every extra knob they take, neutral or not, so a request
     * samples the same way on every server.
     */
    private boolean hasOwnSamplingDefaults() {
        return this == VLLM || this == SGLANG || this == LLAMACPP;
    }

    /** The top-k value that means "keep all tokens": vLLM (older versions) and SGLang reject 0 and want -1. */
    private int topKOff() {
        return this == LLAMACPP ? 0 : -1;
    }

    /** The name of the output-length cap on this endpoint. */
    String maxTokensField(ApiKind api) {
        // OpenAI deprecated max_tokens on chat (its reasoning models reject it); the others know only max_tokens
        return this == OPENAI && api == ApiKind.CHAT ? "max_completion_tokens" : "max_tokens";
    }

    /**
     * Writes the sampling fields this server takes; call {@link #check} first.
     */
    void writeSampling(ObjectNode body, SamplingParams sampling, int minNewTokens) {
        // always sent: OpenAI's default temperature is 1, and 0 is how every one of these servers samples greedily
        body.put("temperature", sampling.temperature());
        // sent even when 1: Ollama's default is the model file's (often 0.9), vLLM's the model's generation config;
        // but TGI rejects a top_p of 1 (it wants one in (0, 1)) and 1 is its default, and TGI samples whenever a top_p
        // below 1 is set, temperature 0 or not, so a greedy request sends it none
        if (this != TGI || sampling.topP() != 1 && !sampling.greedy()) {
            body.put("top_p", sampling.topP());
        }
        if (!sampling.greedy()) {
            // 31 bits fit every server's seed type (llama.cpp's is uint32 with 0xFFFFFFFF meaning random, TGI's u64)
            body.put("seed", sampling.seed() & 0x7FFF_FFFFL);
        }
        if (sampling.frequencyPenalty() != 0) {
            body.put("frequency_penalty", sampling.frequencyPenalty());
        }
        topKField().ifPresent(field -> {
            if (sampling.topK() > 0 || hasOwnSamplingDefaults()) {
                body.put(field, sampling.topK() > 0 ? sampling.topK() : topKOff());
            }
        });
        repetitionPenaltyField().ifPresent(field -> {
            if (sampling.repetitionPenalty() != 1 || hasOwnSamplingDefaults()) {
                body.put(field, sampling.repetitionPenalty());
            }
        });
        if (hasOwnSamplingDefaults()) {
            // SamplingParams has no min-p: turn off the server's (llama.cpp's 0.05, or the model's)
            body.put("min_p", 0.0);
        }
        minTokensField().ifPresent(field -> {
            if (minNewTokens > 0) {
                body.put(field, minNewTokens);
            }
        });
    }

    /**
     * Writes what a chat request needs so that the template leaves the assistant turn open: continued after the
     * trailing assistant message, or opened fresh when there is none.
     *
     * @param continues whether the messages end with a partly written assistant message
     */
    void writeContinuation(ObjectNode body, boolean continues) {
        switch (this) {
            case VLLM -> {
                // vLLM refuses both flags true: the generation prompt would open a second assistant turn
                if (continues) {
                    body.put("continue_final_message", true);
                    body.put("add_generation_prompt", false);
                } else {
                    body.put("add_generation_prompt", true);
                }
            }
            case SGLANG -> {
                if (continues) {
                    body.put("continue_final_message", true);
                }
            }
            default -> {
                // llama.cpp, TGI, Ollama and generic servers continue a trailing assistant message as is
            }
        }
    }

    /**
     * Writes a rendered prompt for the completions endpoint so that it starts with exactly one BOS token: vLLM and
     * SGLang would add one to the application's, llama.cpp always inserts one into a string prompt.
     *
     * @param bosToken the BOS text the application's template writes, if it writes one
     */
    void writeCompletionsPrompt(ObjectNode body, String prompt, Optional<String> bosToken) {
        switch (this) {
            case VLLM, SGLANG -> {
                body.put("prompt", prompt);
                body.put("add_special_tokens", false);
            }
            case LLAMACPP -> body.put("prompt", bosToken.filter(prompt::startsWith)
                    .map(bos -> prompt.substring(bos.length())).orElse(prompt));
            default -> body.put("prompt", prompt);
        }
    }

    /**
     * Writes what lets a special token such as the end-of-answer token match a stop string: vLLM and SGLang drop
     * special tokens from the text unless told otherwise.
     */
    void writeSpecialTokenStop(ObjectNode body) {
        if (this == VLLM || this == SGLANG) {
            body.put("skip_special_tokens", false);
        }
    }
}
