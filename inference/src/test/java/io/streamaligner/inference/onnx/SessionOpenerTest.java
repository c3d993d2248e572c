package io.streamaligner.inference.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.streamaligner.inference.ExecutionProviderException;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class SessionOpenerTest {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final Path model = TestModels.upstream().resolve("model.onnx");

    @Test
    void shouldOpenOnTheCpu() throws Exception {
        SessionOpener.OpenSession opened = SessionOpener.open(env, model, EngineOptions.cpu());

        assertThat(opened.provider()).isEqualTo(ExecutionProvider.CPU);
        opened.session().close();
    }

    @Test
    void shouldRefuseCudaFromTheCpuOnlyBuildSayingHowToGetIt() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this build has CUDA");

        assertThatThrownBy(() -> SessionOpener.open(env, model, EngineOptions.cuda(0)))
                .isInstanceOf(ExecutionProviderException.class)
                .hasMessageContaining("CPU-only")
                .hasMessageContaining("-Pcuda")
                .hasMessageContaining("cuDNN 9");
    }

    @Test
    void shouldFallBackToTheCpuOnlyWhenAllowed() throws Exception {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this build has CUDA");

        SessionOpener.OpenSession opened = SessionOpener.open(env, model,
                EngineOptions.cuda(0).withFallbackToCpu(true));

        assertThat(opened.provider()).isEqualTo(ExecutionProvider.CPU);
        opened.session().close();
    }

    @Test
    void shouldNameTheMissingLibraryInACudaLoadFailure() {
        String ortMessage = "Error loading \"libonnxruntime_providers_cuda.so\" which depends on \"libcublasLt.so.12\" "
                + "which is missing. libcublasLt.so.12: cannot open shared object file: No such file or directory";

        assertThat(SessionOpener.describeCudaFailure(ortMessage, 1))
                .contains("device 1")
                .contains("missing library libcublasLt.so.12")
                .contains("CUDA 12")
                .contains("cuDNN 9");
    }

    @Test
    void shouldNameTheModelFileThatCannotLoad(@TempDir Path dir) throws IOException {
        Path broken = Files.writeString(dir.resolve("model.onnx"), "not a model");

        assertThatThrownBy(() -> SessionOpener.open(env, broken, EngineOptions.cpu()))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining(broken.toString());
    }
}
