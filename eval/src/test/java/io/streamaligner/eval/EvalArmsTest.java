package io.streamaligner.eval;

import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.loop.testing.ScriptedUpstream;
import io.streamaligner.loop.testing.TestPrompts;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvalArmsTest {

    private final AlignmentModels models = new AlignmentModels(new ScriptedUpstream(), TestPrompts.UPSTREAM,
            new ScriptedAligner(), TestPrompts.ALIGNER);

    @Test
    void shouldBuildTheNamedArmsInOrder() {
        EvalArms arms = new EvalArms(models, Optional.empty(), LoopLimits.DEFAULTS, 16, 256);

        assertThat(arms.build(List.of(ArmName.POSTHOC, ArmName.UPSTREAM))).extracting(EvalArm::name)
                .containsExactly(ArmName.POSTHOC, ArmName.UPSTREAM);
    }

    @Test
    void shouldNeedAClientForTheStreamArm() {
        EvalArms arms = new EvalArms(models, Optional.empty(), LoopLimits.DEFAULTS, 16, 256);

        assertThatThrownBy(() -> arms.build(List.of(ArmName.STREAM)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream arm");
    }

    @Test
    void shouldRefuseEmptyBudgets() {
        assertThatThrownBy(() -> new EvalArms(models, Optional.empty(), LoopLimits.DEFAULTS, 0, 256))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
