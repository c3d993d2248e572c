package io.streamaligner.topology.app;

import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.InProcessAlignmentLoop;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.topology.config.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An answer that reaches the upstream model's context ends with its MAX_TOKENS final, on the real engine: the bundled
 * upstream with a context shortened in its config.json (the engine reads the limit from there), so that a toy answer
 * outgrows it after a few rounds.
 */
class ContextOverflowTest {

    @TempDir
    Path folders;

    @Test
    void shouldEndAnAnswerThatOutgrowsTheUpstreamsContextWithMaxTokens() throws Exception {
        Path upstream = folders.resolve("short-context-upstream");
        Path bundled = BundledModels.folder(BundledModels.UPSTREAM);
        Files.createDirectories(upstream);
        try (Stream<Path> files = Files.list(bundled)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, upstream.resolve(file.getFileName()));
            }
        }
        Path config = upstream.resolve("config.json");
        Files.writeString(config, Files.readString(config).replaceAll("\"max_position_embeddings\":\\s*\\d+",
                "\"max_position_embeddings\": 36"));

        try (LoadedModels models = LoadedModels.open(upstream, Optional.empty(),
                BundledModels.folder(BundledModels.ALIGNER), Optional.empty(), EngineOptions.cpu().withIntraOpThreads(1))) {
            AlignedAnswer answer = new InProcessAlignmentLoop(models.models(), LoopLimits.DEFAULTS)
                    .run(AlignmentRequests.builder("r1", "What is 23 + 48 - 19 + 7?").setGeneration(AlignmentRequests.greedy())
                            .setMaxRounds(16).build());

            assertThat(answer.finishReason()).as(answer.toString()).isEqualTo(AnswerFinishReason.MAX_TOKENS);
            assertThat(answer.rounds()).isPositive();
            assertThat(answer.answer()).isNotBlank();
            assertThat(answer.error()).isEmpty();
        }
    }
}
