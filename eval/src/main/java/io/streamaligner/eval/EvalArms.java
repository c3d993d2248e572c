package io.streamaligner.eval;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.LoopLimits;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the arms an evaluation compares, with the budgets they share: every arm gets the same rounds and upstream
 * tokens per answer; the in-process arms run the given models with the loop's caps, the stream arm asks the Kafka
 * loop through the client.
 *
 * @param models    the upstream and aligner (the application's own engines when it runs in this process)
 * @param stream    a client on the running loop; required for the stream arm
 * @param limits    the loop's caps on one call, as the application has them
 * @param maxRounds rounds (sentences) per answer at most
 * @param maxTokens upstream tokens per answer at most
 */
public record EvalArms(AlignmentModels models, Optional<AlignmentClient> stream, LoopLimits limits, int maxRounds,
                       int maxTokens) {

    public EvalArms {
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(limits, "limits");
        if (maxRounds < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("maxRounds and maxTokens must be at least 1, got " + maxRounds + ", " + maxTokens);
        }
    }

    /** The named arms, in the order given. */
    public List<EvalArm> build(List<ArmName> names) {
        List<EvalArm> arms = new ArrayList<>(names.size());
        for (ArmName name : names) {
            arms.add(switch (name) {
                case UPSTREAM -> new UpstreamArm(models, maxTokens);
                case STREAM -> new StreamArm(stream.orElseThrow(() -> new IllegalArgumentException(
                        "the stream arm needs a client on the running loop")), maxRounds, maxTokens);
                case POSTHOC -> new PosthocArm(models, limits, maxTokens, maxRounds);
            });
        }
        return arms;
    }
}
