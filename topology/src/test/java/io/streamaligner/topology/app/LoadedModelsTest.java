package io.streamaligner.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.GenerationException;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.AlignerPrompt;
import io.streamaligner.topology.config.StreamAlignerConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configured upstream with an aligner of the caller's (a teacher) in the aligner's place. */
class LoadedModelsTest {

    private final ClosableAligner teacher = new ClosableAligner();
    private final AlignerPrompt teacherPrompt = (question, prefix, last) -> "teach: " + question + "|" + prefix + "|" + last;

    @Test
    void shouldRunTheCallersAlignerWithItsPromptBesideTheConfiguredUpstreamAndCloseBoth() {
        try (LoadedModels loaded = LoadedModels.open(StreamAlignerConfig.defaults(), teacher, teacherPrompt)) {
            assertThat(loaded.models().aligner()).isSameAs(teacher);
            assertThat(loaded.models().alignerPrompt().render("q?", "A.", "B.")).isEqualTo("teach: q?|A.|B.");
            assertThat(loaded.models().upstreamPrompt().render("", "What is 2 + 2?", "")).contains("What is 2 + 2?");
            assertThat(teacher.closed).isFalse();
        }

        assertThat(teacher.closed).isTrue();
    }

    @Test
    void shouldCloseTheCallersAlignerWhenTheUpstreamCannotBeOpened(@TempDir Path empty) {
        StreamAlignerConfig noUpstream = StreamAlignerConfig.fromSettings(Map.of(StreamAlignerConfig.UPSTREAM_MODEL,
                empty.resolve("absent").toString()));

        assertThatThrownBy(() -> LoadedModels.open(noUpstream, teacher, teacherPrompt))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("cannot load the upstream model");
        assertThat(teacher.closed).isTrue();
    }

    private static final class ClosableAligner implements TextGenerator {

        volatile boolean closed;

        @Override
        public Generation submit(CompletionRequest request, DeltaListener listener) {
            return Generation.failed(new GenerationException("not asked in this test"));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
