package io.streamaligner.client;

import io.streamaligner.schemas.TokenDelta;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeenDeltasTest {

    private final AlignmentClient.SeenDeltas seen = new AlignmentClient.SeenDeltas();

    private static TokenDelta delta(int round, int index, String text) {
        return TokenDelta.newBuilder().setRequestId("r").setRound(round).setIndex(index).setText(text).setEnd(null).build();
    }

    @Test
    void shouldDeliverEachPieceOnceWhenAReRunWritesTheStepAgain() {
        assertThat(seen.isNew(delta(1, 0, "First,"))).isTrue();
        assertThat(seen.isNew(delta(1, 1, " 23"))).isTrue();
        // the step re-ran after a crash: its committed pieces come again from index 0
        assertThat(seen.isNew(delta(1, 0, "First,"))).isFalse();
        assertThat(seen.isNew(delta(1, 1, " 23"))).isFalse();
        assertThat(seen.isNew(delta(1, 2, " + 48"))).isTrue();
    }

    @Test
    void shouldSkipSpeculativeDeltasAndDeliverTheStepWhenItComesAgainUnmarked() {
        TokenDelta speculative = TokenDelta.newBuilder(delta(2, 0, " Then")).setSpeculative(true).build();

        assertThat(seen.isNew(speculative)).isFalse();
        assertThat(seen.isNew(delta(2, 0, " Then"))).isTrue();
        assertThat(seen.isNew(TokenDelta.newBuilder(delta(2, 1, ", 5")).setSpeculative(true).build())).isFalse();
        assertThat(seen.isNew(delta(2, 1, ", 5"))).isTrue();
    }

    @Test
    void shouldDropDeltasOfARoundWhoseSentenceArrivedAndOfEarlierRounds() {
        assertThat(seen.isNew(delta(1, 0, "First."))).isTrue();
        seen.settled(1);
        assertThat(seen.isNew(delta(1, 1, " late"))).isFalse();
        assertThat(seen.isNew(delta(2, 0, " Then"))).isTrue();
        assertThat(seen.isNew(delta(1, 2, " older"))).isFalse();
    }

    @Test
    void shouldNotDeliverTheEmptyEndOfStepDelta() {
        assertThat(seen.isNew(delta(1, 0, "Done."))).isTrue();
        assertThat(seen.isNew(delta(1, 1, ""))).isFalse();
    }
}
