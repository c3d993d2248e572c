package io.streamaligner.ops.bench;

import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.eval.toymath.ToyMathQuestion;
import io.streamaligner.schemas.AlignmentRequest;

import java.util.ArrayList;
import java.util.List;

/** The benchmarks' requests: toy arithmetic questions, greedy, with ids {@code q0, q1, …}. */
final class ToyRequests {

    private ToyRequests() {
    }

    /** {@code count} greedy requests over the questions {@code seed} samples (the same seed, the same questions). */
    static List<AlignmentRequest> greedy(long seed, int count) {
        List<ToyMathQuestion> questions = ToyMathQuestion.sample(seed, count);
        List<AlignmentRequest> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(AlignmentRequests.builder("q" + i, questions.get(i).text())
                    .setGeneration(AlignmentRequests.greedy()).build());
        }
        return requests;
    }
}
