package io.streamaligner.eval;

import java.util.List;
import java.util.Objects;

/**
 * How an evaluation was run, as its report states it.
 *
 * @param commandLine      the command that made the report
 * @param dataset          the dataset file
 * @param arms             the arms run, in the order they ran
 * @param concurrency      answers in flight at most, per arm
 * @param seed             the run's seed, from which each question's seed derives
 * @param maxRounds        rounds (sentences) per answer at most
 * @param maxTokens        upstream tokens per answer at most
 * @param warmup           questions each arm answered before measuring (not counted)
 * @param kafka            where the stream arm's loop ran
 * @param upstreamModel    the upstream model's folder
 * @param alignerModel     the aligner model's folder
 * @param upstreamSampling the upstream's sampling, in words
 */
public record EvalSettings(String commandLine, String dataset, List<ArmName> arms, int concurrency, long seed,
                           int maxRounds, int maxTokens, int warmup, String kafka, String upstreamModel,
                           String alignerModel, String upstreamSampling) {

    public EvalSettings {
        Objects.requireNonNull(commandLine, "commandLine");
        Objects.requireNonNull(dataset, "dataset");
        arms = List.copyOf(Objects.requireNonNull(arms, "arms"));
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(alignerModel, "alignerModel");
        Objects.requireNonNull(upstreamSampling, "upstreamSampling");
    }
}
