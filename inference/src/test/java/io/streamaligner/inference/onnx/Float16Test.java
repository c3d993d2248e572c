package io.streamaligner.inference.onnx;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Float16Test {

    @Test
    void shouldConvertNormalNumbers() {
        assertThat(Float16.toFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(Float16.toFloat((short) 0xc000)).isEqualTo(-2f);
        assertThat(Float16.toFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(Float16.toFloat((short) 0x7bff)).isEqualTo(65504f);
    }

    @Test
    void shouldConvertZerosSubnormalsAndSpecials() {
        assertThat(Float16.toFloat((short) 0x0000)).isEqualTo(0f);
        assertThat(Float.floatToRawIntBits(Float16.toFloat((short) 0x8000))).isEqualTo(0x80000000);
        assertThat(Float16.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(Float16.toFloat((short) 0x83ff)).isEqualTo(-1023 * 0x1p-24f);
        assertThat(Float16.toFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float16.toFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Float16.toFloat((short) 0x7e00)).isNaN();
    }
}
