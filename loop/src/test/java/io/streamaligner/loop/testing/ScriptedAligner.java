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

/**
 * A deterministic aligner for tests: corrects a sentence by replacing "wrong" with "right", signals the end of
 * the answer (END_OF_ANSWER) on sentences that contain the end marker, and fails a call for a question marked failing.
 * Calls complete at once, on the caller's thread.
 */
public final class ScriptedAligner implements TextGenerator {

    private volatile String endMarker;
    private final List<String> failingQuestions = Collections.synchronizedList(new ArrayList<>());
    private final List<CompletionRequest> calls = Collections.synchronizedList(new ArrayList<>());

    public ScriptedAligner endAnswerOn(String marker) {
        endMarker = marker;
        return this;
    }

    public ScriptedAligner failOn(String question) {
        failingQuestions.add(question);
        return this;
    }

    /** Every call this generator was asked for, in order. */
    public List<CompletionRequest> calls() {
        return List.copyOf(calls);
    }

    public static String correct(String sentence) {
        return sentence.replace("wrong", "right");
    }

    @Override
    public Generation submit(CompletionRequest request, DeltaListener listener) {
        calls.add(request);
        String[] fields = TestPrompts.parseAligner(request.prompt());
        if (failingQuestions.contains(fields[0])) {
            return Generation.failed(new GenerationException("aligner cannot correct an answer to '" + fields[0] + "'"));
        }
        String last = fields[2];
        String correction = " " + correct(last);
        listener.onDelta(request.id(), correction);
        FinishReason finish = endMarker != null && last.contains(endMarker) ? FinishReason.END_OF_ANSWER : FinishReason.EOS;
        return Generation.completed(new Completion(request.id(), correction, finish, 20, correction.split(" ").length,
                2_000_000));
    }

    @Override
    public void close() {
    }
}
