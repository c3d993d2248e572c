package io.streamaligner.ops.faults;

import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.InProcessAlignmentLoop;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.topology.app.LoadedModels;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answers of a run with no crash and no Kafka: the Kafka-free loop on the bundled models, greedy, with the
 * application's default limits, computed once per test JVM. Keyed by the request's number ({@code q001}, ...), since
 * each fault run gives its requests ids of its own.
 */
final class ReferenceAnswers {

    private static Map<String, String> answers;

    private ReferenceAnswers() {
    }

    static synchronized Map<String, String> of(int count) {
        if (answers == null || answers.size() < count) {
            List<AlignmentRequest> requests = FaultRun.greedyToyRequests("reference", count);
            Map<String, String> computed = new TreeMap<>();
            try (LoadedModels models = LoadedModels.open(StreamAlignerConfig.defaults())) {
                List<AlignedAnswer> aligned = new InProcessAlignmentLoop(models.models(), LoopLimits.DEFAULTS).run(requests);
                for (AlignedAnswer answer : aligned) {
                    computed.put(number(answer.requestId()), answer.answer() + " [" + answer.finishReason() + "]");
                }
            }
            answers = computed;
        }
        return answers;
    }

    /** A fault run's answers keyed by request number, as {@link #of} keys them. */
    static Map<String, String> byNumber(Map<String, String> answersById) {
        Map<String, String> byNumber = new TreeMap<>();
        answersById.forEach((id, answer) -> byNumber.put(number(id), answer));
        return byNumber;
    }

    private static String number(String requestId) {
        return requestId.substring(requestId.lastIndexOf('-') + 1);
    }
}
