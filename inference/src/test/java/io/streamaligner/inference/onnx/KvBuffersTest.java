package io.streamaligner.inference.onnx;

import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class KvBuffersTest {

    @Test
    void shouldHandOutExactlyTheBytesAskedInNativeOrderOverAPowerOfTwoBuffer() {
        KvBuffers.Taken taken = new KvBuffers().take(3000);

        assertThat(taken.view().capacity()).isEqualTo(3000);
        assertThat(taken.view().order()).isEqualTo(ByteOrder.nativeOrder());
        assertThat(taken.view().isDirect()).isTrue();
        assertThat(taken.pooled().capacity()).isEqualTo(4096);
    }

    @Test
    void shouldReuseAGivenBufferForAnySizeOfTheSameCapacity() {
        KvBuffers buffers = new KvBuffers();
        KvBuffers.Taken first = buffers.take(3000);
        buffers.give(first.pooled());
        assertThat(buffers.freeBytes()).isEqualTo(4096);

        KvBuffers.Taken again = buffers.take(4000);
        KvBuffers.Taken larger = buffers.take(5000);

        assertThat(again.pooled()).isSameAs(first.pooled());
        assertThat(again.view().capacity()).isEqualTo(4000);
        assertThat(larger.pooled()).isNotSameAs(first.pooled());
        assertThat(buffers.freeBytes()).isZero();
    }

    @Test
    void shouldLeaveToTheGcWhatWouldPassItsBoundOfFreeBytes() {
        KvBuffers buffers = new KvBuffers();
        int size = (int) (KvBuffers.MAX_FREE_BYTES / 4);
        KvBuffers.Taken[] taken = new KvBuffers.Taken[5];
        for (int i = 0; i < taken.length; i++) {
            taken[i] = buffers.take(size);
        }
        for (KvBuffers.Taken buffer : taken) {
            buffers.give(buffer.pooled());
        }

        assertThat(buffers.freeBytes()).isEqualTo(KvBuffers.MAX_FREE_BYTES);
    }
}
