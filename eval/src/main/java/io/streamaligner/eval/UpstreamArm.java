package io.streamaligner.eval;

import io.streamaligner.loop.AlignmentModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code upstream} arm: the upstream model alone writes the whole answer, in this process on the same
 * engine as the other arms. Its rounds are the sentences of its streamed answer, and its time to first sentence
 * is when the first of them was complete (nothing is aligned in this arm).
 */
public final class UpstreamArm implements EvalArm {

    private final UpstreamDraft draft;

    /** @param maxTokens the answer's token budget, the same the stream loop has over all its rounds */
    public UpstreamArm(AlignmentModels models, int maxTokens) {
        this.draft = new UpstreamDraft(models.upstream(), models.upstreamPrompt(), maxTokens);
    }

    @Override
    public ArmName name() {
        return ArmName.UPSTREAM;
    }

    @Override
    public ArmAnswer answer(String requestId, String question, QuestionSampling sampling) {
        UpstreamDraft.Draft written = draft.write(requestId, question, sampling);
        List<Long> ends = written.sentenceEndNanos();
        List<Long> roundNanos = new ArrayList<>(ends.size());
        for (int i = 0; i < ends.size(); i++) {
            roundNanos.add(ends.get(i) - (i == 0 ? 0 : ends.get(i - 1)));
        }
        OptionalLong first = ends.isEmpty() ? OptionalLong.empty() : OptionalLong.of(ends.get(0));
        return new ArmAnswer(written.text().strip(), List.of(), ends.size(), first, roundNanos, written.nanos(),
                written.finishReason().name(), Optional.empty());
    }
}
