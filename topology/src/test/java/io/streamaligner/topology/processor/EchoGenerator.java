package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.TextGenerator;

import java.util.ArrayList;
import java.util.List;

/**
 * Answers each prompt with the prompt in upper case. A batch holding a prompt with "bad" throws; the first batch
 * holding a prompt with "crash" throws an {@link Error}, as a dying process would (later ones succeed).
 */
final class EchoGenerator implements TextGenerator {

    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash");
        }
    }

    final List<List<CompletionRequest>> batches = new ArrayList<>();
    private boolean crashed;

    @Override
    public List<Completion> generate(List<CompletionRequest> requests, DeltaListener listener) {
        batches.add(List.copyOf(requests));
        if (!crashed && requests.stream().anyMatch(r -> r.prompt().contains("crash"))) {
            crashed = true;
            throw new SimulatedCrash();
        }
        if (requests.stream().anyMatch(r -> r.prompt().contains("bad"))) {
            throw new IllegalStateException("cannot generate for a bad prompt");
        }
        List<Completion> completions = new ArrayList<>();
        for (CompletionRequest request : requests) {
            String text = request.prompt().toUpperCase();
            listener.onDelta(request.id(), text);
            completions.add(new Completion(request.id(), text, FinishReason.EOS, 1, 1, 1_000_000));
        }
        return completions;
    }

    @Override
    public void close() {
    }
}
