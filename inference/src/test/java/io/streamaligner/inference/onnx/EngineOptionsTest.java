package io.streamaligner.inference.onnx;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineOptionsTest {

    @Test
    void shouldDefaultToTheCpuWithoutFallback() {
        EngineOptions cpu = EngineOptions.cpu();

        assertThat(cpu.provider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(cpu.fallbackToCpu()).isFalse();
        assertThat(cpu.maxBatchSize()).isEqualTo(EngineOptions.DEFAULT_MAX_BATCH_SIZE);
    }

    @Test
    void shouldNeverFallBackUnlessAsked() {
        assertThat(EngineOptions.cuda(1).fallbackToCpu()).isFalse();
        assertThat(EngineOptions.cuda(1).deviceIndex()).isEqualTo(1);
        assertThat(EngineOptions.cuda(1).withFallbackToCpu(true).fallbackToCpu()).isTrue();
    }

    @Test
    void shouldRejectImpossibleValues() {
        assertThatThrownBy(() -> EngineOptions.cuda(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EngineOptions.cpu().withMaxBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EngineOptions.cpu().withIntraOpThreads(-2)).isInstanceOf(IllegalArgumentException.class);
    }
}
