package io.streamaligner.dataset.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** How a teacher's answer is read: the rules one by one. */
class TeacherAnswerTest {

    @Test
    void shouldReadTheCorrectionAndTheEndFlagInTheAskedFormat() throws Exception {
        assertThat(TeacherAnswer.parse("CORRECTION: [[Then, 71 - 15 = 56.]]\nEOS: [[FALSE]]"))
                .isEqualTo(new TeacherAnswer("Then, 71 - 15 = 56.", false));
        assertThat(TeacherAnswer.parse("CORRECTION: [[The answer is 56.]]\nEOS: [[TRUE]]"))
                .isEqualTo(new TeacherAnswer("The answer is 56.", true));
    }

    @Test
    void shouldIgnoreTheCaseOfMarkersAndFlags() throws Exception {
        assertThat(TeacherAnswer.parse("correction: [[Fine.]]\neos: [[true]]")).isEqualTo(new TeacherAnswer("Fine.", true));
        assertThat(TeacherAnswer.parse("Correction: [[Fine.]]\nEos: [[False]]")).isEqualTo(new TeacherAnswer("Fine.", false));
    }

    @Test
    void shouldTolerateWhitespaceAroundMarkersAndInsideTheBrackets() throws Exception {
        assertThat(TeacherAnswer.parse("CORRECTION:[[Fine.]] EOS:[[TRUE]]")).isEqualTo(new TeacherAnswer("Fine.", true));
        assertThat(TeacherAnswer.parse("CORRECTION :\n  [[   Fine.  \n]]\n\n  EOS :  [[ TRUE ]]  "))
                .isEqualTo(new TeacherAnswer("Fine.", true));
    }

    @Test
    void shouldTolerateMarkdownEmphasisAroundTheColon() throws Exception {
        assertThat(TeacherAnswer.parse("**CORRECTION:** [[Fine.]]\n**EOS:** [[TRUE]]")).isEqualTo(new TeacherAnswer("Fine.", true));
        assertThat(TeacherAnswer.parse("`CORRECTION`: [[Fine.]]")).isEqualTo(new TeacherAnswer("Fine.", false));
    }

    @Test
    void shouldReadAMissingEndFlagAsFalse() throws Exception {
        assertThat(TeacherAnswer.parse("CORRECTION: [[Then, 71 - 15 = 56.]]"))
                .isEqualTo(new TeacherAnswer("Then, 71 - 15 = 56.", false));
    }

    @Test
    void shouldTakeTheEndFlagWithOrWithoutBrackets() throws Exception {
        assertThat(TeacherAnswer.parse("CORRECTION: [[Fine.]]\nEOS: TRUE")).isEqualTo(new TeacherAnswer("Fine.", true));
    }

    @Test
    void shouldIgnoreTextAroundTheMarkers() throws Exception {
        String chatty = """
                Sure! The sentence has an arithmetic slip: 71 - 15 is 56, not 58.

                CORRECTION: [[Then, 71 - 15 = 56.]]
                EOS: [[FALSE]]

                Let me know if you need anything else.""";

        assertThat(TeacherAnswer.parse(chatty)).isEqualTo(new TeacherAnswer("Then, 71 - 15 = 56.", false));
    }

    @Test
    void shouldTakeTheLastCorrectionWhenTheTeacherRestatesTheFormatFirst() throws Exception {
        String restated = "You want CORRECTION: [[the rewritten last sentence]] and an EOS flag. Here it is:\n"
                + "CORRECTION: [[Then, 71 - 15 = 56.]]\nEOS: [[FALSE]]";

        assertThat(TeacherAnswer.parse(restated)).isEqualTo(new TeacherAnswer("Then, 71 - 15 = 56.", false));
    }

    @Test
    void shouldTakeTheLastEndFlagOutsideTheCorrection() throws Exception {
        assertThat(TeacherAnswer.parse("EOS: [[TRUE]] was my first thought.\nCORRECTION: [[Fine.]]\nEOS: [[FALSE]]"))
                .isEqualTo(new TeacherAnswer("Fine.", false));
        assertThat(TeacherAnswer.parse("CORRECTION: [[Set EOS: false in the config.]]\nEOS: [[TRUE]]"))
                .as("an EOS inside the correction is the correction's text")
                .isEqualTo(new TeacherAnswer("Set EOS: false in the config.", true));
        assertThat(TeacherAnswer.parse("CORRECTION: [[Watch the videos: all of them.]]"))
                .as("'videos:' holds no EOS marker").isEqualTo(new TeacherAnswer("Watch the videos: all of them.", false));
    }

    @Test
    void shouldEndTheCorrectionAtTheFirstClosingBracketsOfItsOwn() throws Exception {
        assertThat(TeacherAnswer.parse("CORRECTION: [[Line one.\nLine two.]] trailing ]]"))
                .isEqualTo(new TeacherAnswer("Line one.\nLine two.", false));
        assertThat(TeacherAnswer.parse("CORRECTION: [[Let M = [[1, 2], [3, 4]].]]\nEOS: [[TRUE]]"))
                .as("brackets the correction opens are its text")
                .isEqualTo(new TeacherAnswer("Let M = [[1, 2], [3, 4]].", true));
        assertUnreadable("CORRECTION: [[Let M = [[1, 2]", "not closed with ]]");
    }

    @Test
    void shouldRefuseAnAnswerWithoutACorrection() {
        assertUnreadable("The sentence is fine as it is.", "no CORRECTION: [[…]] in the answer");
        assertUnreadable("CORRECTION: Then, 71 - 15 = 56.", "no CORRECTION: [[…]] in the answer");
        assertUnreadable("   ", "the answer is empty");
    }

    @Test
    void shouldRefuseACorrectionCutShort() {
        assertUnreadable("CORRECTION: [[Then, 71 - 15", "not closed with ]]");
    }

    @Test
    void shouldRefuseAnEmptyCorrection() {
        assertUnreadable("CORRECTION: [[  ]]\nEOS: [[TRUE]]", "the CORRECTION is empty");
    }

    @Test
    void shouldRefuseAnEndFlagThatIsNeitherTrueNorFalse() {
        assertUnreadable("CORRECTION: [[Fine.]]\nEOS: [[MAYBE]]", "EOS must be [[TRUE]] or [[FALSE]], was [[MAYBE]]");
    }

    private static void assertUnreadable(String answer, String reason) {
        assertThatThrownBy(() -> TeacherAnswer.parse(answer))
                .isInstanceOf(UnreadableAnswerException.class)
                .hasMessageContaining(reason);
    }
}
