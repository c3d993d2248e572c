package io.streamaligner.eval.judge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerdictTest {

    @Test
    void shouldReadTheVerdictLine() {
        assertThat(Verdict.parse("A states 71 correctly; B does not.\nVERDICT: [[A]]")).isEqualTo(Verdict.A);
        assertThat(Verdict.parse("Both fine.\nVerdict: [[tie]]")).isEqualTo(Verdict.TIE);
        assertThat(Verdict.parse("**VERDICT:** [[ B ]]")).isEqualTo(Verdict.B);
    }

    @Test
    void shouldPreferTheVerdictLineOverBracketsInTheReasoning() {
        assertThat(Verdict.parse("At first [[A]] looked better, but its result is wrong.\nVERDICT: [[B]]")).isEqualTo(Verdict.B);
    }

    @Test
    void shouldReadABracketedVerdictWithoutAVerdictLine() {
        assertThat(Verdict.parse("Response B is more helpful. [[B]]")).isEqualTo(Verdict.B);
    }

    @Test
    void shouldReadABareVerdict() {
        assertThat(Verdict.parse(" a ")).isEqualTo(Verdict.A);
        assertThat(Verdict.parse("Tie.")).isEqualTo(Verdict.TIE);
    }

    @Test
    void shouldNotGuessFromAReplyThatNamesNoVerdictOrSeveral() {
        assertThat(Verdict.parse("Both responses have merit.")).isEqualTo(Verdict.UNPARSEABLE);
        assertThat(Verdict.parse("VERDICT: [[A]]\nVERDICT: [[B]]")).isEqualTo(Verdict.UNPARSEABLE);
        assertThat(Verdict.parse("[[A]] if A, [[B]] if B")).isEqualTo(Verdict.UNPARSEABLE);
        assertThat(Verdict.parse("")).isEqualTo(Verdict.UNPARSEABLE);
        assertThat(Verdict.parse(null)).isEqualTo(Verdict.UNPARSEABLE);
    }
}
