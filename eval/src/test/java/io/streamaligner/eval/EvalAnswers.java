package io.streamaligner.eval;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Arm answers with chosen timings, for tests of what is computed from them. */
public final class EvalAnswers {

    private EvalAnswers() {
    }

    public static EvalItem item(int line, String expected) {
        return new EvalItem(line, "What is question " + line + "?", Optional.ofNullable(expected));
    }

    /** An answer whose first sentence came after {@code firstMs} and whose rounds took {@code roundMs} each. */
    public static ArmAnswer answer(String text, List<SentenceRevision> revisions, long firstMs, long totalMs, long... roundMs) {
        List<Long> rounds = java.util.Arrays.stream(roundMs).map(ms -> ms * 1_000_000).boxed().toList();
        return new ArmAnswer(text, revisions, rounds.size(), OptionalLong.of(firstMs * 1_000_000), rounds,
                totalMs * 1_000_000, "UPSTREAM_END", Optional.empty());
    }

    public static ArmResults results(ArmName arm, long wallMs, ArmAnswer... answers) {
        return new ArmResults(arm, List.of(answers), wallMs * 1_000_000);
    }
}
