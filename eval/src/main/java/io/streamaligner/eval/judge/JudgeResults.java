package io.streamaligner.eval.judge;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the judge said about the stream answers against the upstream answers.
 *
 * @param judgeModel  the judge model's name
 * @param winRates    per dimension, the stream arm's ω over the upstream arm
 * @param pairs       every judgement, cached or new, in question order per dimension
 * @param fromCache   judgements taken from the cache instead of asked
 * @param unparseable ordered verdicts that could not be read (scored as ties)
 * @param failures    questions the judge could not be asked about, with why; they are left out of ω and not
 *                    cached, so a re-run asks again
 */
public record JudgeResults(String judgeModel, Map<JudgeDimension, WinRate> winRates, List<JudgedPair> pairs,
                           int fromCache, int unparseable, List<String> failures) {

    public JudgeResults {
        Objects.requireNonNull(judgeModel, "judgeModel");
        winRates = Map.copyOf(Objects.requireNonNull(winRates, "winRates"));
        pairs = List.copyOf(Objects.requireNonNull(pairs, "pairs"));
        failures = List.copyOf(Objects.requireNonNull(failures, "failures"));
    }
}
