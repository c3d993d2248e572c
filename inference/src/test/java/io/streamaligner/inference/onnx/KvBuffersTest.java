package io.streamaligner.inference.onnx;

import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class KvBuffersTest {

    @Test
    void shouldHandOutExactlyTheBytesAskedInNativeOrderOverABufferAtMostAnEighthLarger() {
        KvBuffers.Taken taken = new KvBuffers().take(3000);

        assertThat(taken.view().capacity()).isEqualTo(3000);
        assertThat(taken.view().order()).isEqualTo(ByteOrder.nativeOrder());
        assertThat(taken.view().isDirect()).isTrue();
        assertThat(taken.pooled().capacity()).isEqualTo(3072); // 2048 + 4 × 256
        for (int bytes : new int[]{1, 64, 65, 4096, 4097, 1_000_003, Integer.MAX_VALUE - 100}) {
            long capacity = KvBuffers.capacityFor(bytes);
            assertThat(capacity).as("capacity for %d", bytes).isGreaterThanOrEqualTo(bytes)
                    .isLessThanOrEqualTo(Math.max(64L, bytes + bytes / 8L));
        }
    }

    @Test
    void shouldReuseAGivenBufferForAnySizeOfTheSameCapacity() {
        KvBuffers buffers = new KvBuffers();
        KvBuffers.Taken first = buffers.take(3000);
        buffers.give(first.pooled());
        assertThat(buffers.freeBytes()).isEqualTo(3072);

        KvBuffers.Taken again = buffers.take(2900);
        KvBuffers.Taken larger = buffers.take(3100);

        assertThat(again.pooled()).isSameAs(first.pooled());
        assertThat(again.view().capacity()).isEqualTo(2900);
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
