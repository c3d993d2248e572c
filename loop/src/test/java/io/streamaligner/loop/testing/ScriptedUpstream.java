package io.streamaligner.loop.testing;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.TextGenerator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic upstream for tests: answers each question with its scripted sentences, continuing after as many
 * sentences as the aligned prefix holds. Emits one word per token (with its leading space), honours the request's
 * stop condition and token limit like a real engine, and ends with EOS when the script is exhausted. A call for a
 * question marked failing fails. Calls complete at once, on the caller's thread.
 */
public final class ScriptedUpstream implements TextGenerator {

    private static final Pattern WORD = Pattern.compile("\\s*\\S+");

    private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
    private final List<String> failingQuestions = Collections.synchronizedList(new ArrayList<>());
    private final List<CompletionRequest> calls = Collections.synchronizedList(new ArrayList<>());

    public ScriptedUpstream answer(String question, String... sentences) {
        answers.put(question, List.of(sentences));
        return this;
    }

    public ScriptedUpstream failOn(String question) {
        failingQuestions.add(question);
        return this;
    }

    /** Every call this generator was asked for, in order. */
    public List<CompletionRequest> calls() {
        return List.copyOf(calls);
    }

    @Override
    public Generation submit(CompletionRequest request, DeltaListener listener) {
        calls.add(request);
        String question = TestPrompts.parseUpstream(request.prompt())[0];
        if (failingQuestions.contains(question)) {
            return Generation.failed(new GenerationException("upstream cannot answer '" + question + "'"));
        }
        return Generation.completed(complete(request, listener));
    }

    private Completion complete(CompletionRequest request, DeltaListener listener) {
        String[] prompt = TestPrompts.parseUpstream(request.prompt());
        String question = prompt[0];
        String prefix = prompt[1];
        List<String> script = answers.get(question);
        if (script == null) {
            throw new IllegalArgumentException("no scripted answer for '" + question + "'");
        }
        int done = Math.min(TestPrompts.countSentences(prefix), script.size());
        String rest = String.join(" ", script.subList(done, script.size()));
        if (!prefix.isEmpty() && !rest.isEmpty()) {
            rest = " " + rest;
        }
        StringBuilder text = new StringBuilder();
        int generated = 0;
        Matcher words = WORD.matcher(rest);
        while (words.find()) {
            if (generated == request.maxNewTokens()) {
                return new Completion(request.id(), text.toString(), FinishReason.LENGTH, 10, generated, 3_000_000);
            }
            generated++;
            int before = text.length();
            text.append(words.group());
            int cut = request.stop().stopAt(text.toString());
            if (cut >= 0) {
                if (cut > before) {
                    listener.onDelta(request.id(), text.substring(before, cut));
                }
                text.setLength(cut);
                return new Completion(request.id(), text.toString(), FinishReason.STOP, 10, generated, 3_000_000);
            }
            listener.onDelta(request.id(), words.group());
        }
        if (generated == request.maxNewTokens()) {
            return new Completion(request.id(), text.toString(), FinishReason.LENGTH, 10, generated, 3_000_000);
        }
        return new Completion(request.id(), text.toString(), FinishReason.EOS, 10, generated + 1, 3_000_000);
    }

    @Override
    public void close() {
    }
}
