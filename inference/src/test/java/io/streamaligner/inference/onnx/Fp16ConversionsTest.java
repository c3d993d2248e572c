package io.streamaligner.inference.onnx;

import ai.onnxruntime.platform.Fp16Conversions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ONNX Runtime's half-precision conversion, which {@link ForwardPass} uses to read fp16 logits (Java 17 has no
 * {@code Float.float16ToFloat}): pinned for normals, zeros, subnormals and specials.
 */
class Fp16ConversionsTest {

    @Test
    void shouldConvertNormalNumbers() {
        assertThat(Fp16Conversions.fp16ToFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(Fp16Conversions.fp16ToFloat((short) 0xc000)).isEqualTo(-2f);
        assertThat(Fp16Conversions.fp16ToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(Fp16Conversions.fp16ToFloat((short) 0x7bff)).isEqualTo(65504f);
    }

    @Test
    void shouldConvertZerosSubnormalsAndSpecials() {
        assertThat(Fp16Conversions.fp16ToFloat((short) 0x0000)).isEqualTo(0f);
        assertThat(Float.floatToRawIntBits(Fp16Conversions.fp16ToFloat((short) 0x8000))).isEqualTo(0x80000000);
        assertThat(Fp16Conversions.fp16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(Fp16Conversions.fp16ToFloat((short) 0x83ff)).isEqualTo(-1023 * 0x1p-24f);
        assertThat(Fp16Conversions.fp16ToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Fp16Conversions.fp16ToFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Fp16Conversions.fp16ToFloat((short) 0x7e00)).isNaN();
    }
}
