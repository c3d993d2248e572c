package io.streamaligner.loop.testing;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.TextGenerator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A deterministic aligner for tests: corrects a sentence by replacing "wrong" with "right", signals the end of
 * the answer (END_OF_ANSWER) on sentences that contain the end marker, and throws for a batch holding a question
 * marked failing.
 */
public final class ScriptedAligner implements TextGenerator {

    private volatile String endMarker;
    private final List<String> failingQuestions = Collections.synchronizedList(new ArrayList<>());
    private final List<List<CompletionRequest>> batches = Collections.synchronizedList(new ArrayList<>());

    public ScriptedAligner endAnswerOn(String marker) {
        endMarker = marker;
        return this;
    }

    public ScriptedAligner failOn(String question) {
        failingQuestions.add(question);
        return this;
    }

    public List<List<CompletionRequest>> batches() {
        return List.copyOf(batches);
    }

    public static String correct(String sentence) {
        return sentence.replace("wrong", "right");
    }

    @Override
    public List<Completion> generate(List<CompletionRequest> requests, DeltaListener listener) {
        batches.add(List.copyOf(requests));
        for (CompletionRequest request : requests) {
            String question = TestPrompts.parseAligner(request.prompt())[0];
            if (failingQuestions.contains(question)) {
                throw new IllegalStateException("aligner cannot correct an answer to '" + question + "'");
            }
        }
        List<Completion> completions = new ArrayList<>();
        for (CompletionRequest request : requests) {
            String last = TestPrompts.parseAligner(request.prompt())[2];
            String correction = " " + correct(last);
            listener.onDelta(request.id(), correction);
            FinishReason finish = endMarker != null && last.contains(endMarker) ? FinishReason.END_OF_ANSWER : FinishReason.EOS;
            completions.add(new Completion(request.id(), correction, finish, 20, correction.split(" ").length, 2_000_000));
        }
        return completions;
    }

    @Override
    public void close() {
    }
}
