package io.streamaligner.inference.onnx;

import ai.onnxruntime.OnnxJavaType;
import io.streamaligner.inference.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KvCacheTest {

    /** A pool holding {@code count} free buffers of {@code bytes}, every byte 0xFF (a NaN in fp32 and fp16). */
    private static KvBuffers dirtied(int count, int bytes) {
        KvBuffers buffers = new KvBuffers();
        List<KvBuffers.Taken> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            KvBuffers.Taken buffer = buffers.take(bytes);
            for (int b = 0; b < bytes; b++) {
                buffer.view().put(b, (byte) 0xFF);
            }
            taken.add(buffer);
        }
        taken.forEach(buffer -> buffers.give(buffer.pooled()));
        return buffers;
    }

    @ParameterizedTest
    @CsvSource({"upstream", TestModels.FP16_CACHE})
    void shouldGatherRowsRightAlignedWithZerosOnTheLeft(String name) throws Exception {
        try (ForwardPassTest.Loaded model = new ForwardPassTest.Loaded(name)) {
            ModelSignature signature = model.forward.signature();
            int width = 6;
            int pad = 2; // row 0 is left-padded by two, row 1 is full
            long[] ids = {0, 0, 10, 11, 12, 13, 20, 21, 22, 23, 24, 25};
            long[] mask = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
            long[] positions = {0, 0, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5};
            try (KvCache empty = KvCache.empty(model.env, signature, 2);
                 KvCache prefilled = model.forward.run(2, width, ids, mask, positions, empty)) {
                int length = width + 3;
                // the gathered tensors' memory held NaNs before: padding must be zeroed, not left as it was
                KvBuffers reused = dirtied(2 * signature.layers(),
                        2 * signature.kvHeads() * length * signature.headDim() * signature.kvElementBytes());

                try (KvCache gathered = KvCache.gather(model.env, signature, reused, List.of(
                        KvCache.RowSlice.tail(prefilled, 1, width),
                        KvCache.RowSlice.tail(prefilled, 0, width - pad)), length)) {
                    assertThat(gathered.rows()).isEqualTo(2);
                    assertThat(gathered.length()).isEqualTo(length);
                    int element = signature.kvElementBytes();
                    int rowBytes = signature.headDim() * element;
                    for (int layer = 0; layer < signature.layers(); layer++) {
                        for (boolean key : new boolean[]{true, false}) {
                            ByteBuffer source = prefilled.tensor(layer, key).getByteBuffer();
                            ByteBuffer target = gathered.tensor(layer, key).getByteBuffer();
                            assertThat(gathered.tensor(layer, key).getInfo().getShape())
                                    .containsExactly(2, signature.kvHeads(), length, signature.headDim());
                            for (int head = 0; head < signature.kvHeads(); head++) {
                                // new row 0 = old row 1, all columns, after 3 zero columns
                                assertThat(bytes(target, cell(0, head, 3, length, signature), width * rowBytes))
                                        .isEqualTo(bytes(source, cell(1, head, 0, width, signature), width * rowBytes));
                                assertThat(bytes(target, cell(0, head, 0, length, signature), 3 * rowBytes))
                                        .containsOnly(0);
                                // new row 1 = old row 0 without its padding, after 5 zero columns
                                int valid = width - pad;
                                assertThat(bytes(target, cell(1, head, length - valid, length, signature), valid * rowBytes))
                                        .isEqualTo(bytes(source, cell(0, head, pad, width, signature), valid * rowBytes));
                                assertThat(bytes(target, cell(1, head, 0, length, signature), (length - valid) * rowBytes))
                                        .containsOnly(0);
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"upstream", TestModels.FP16_CACHE})
    void shouldMakeAnEmptyCacheOfTheModelsType(String name) throws Exception {
        try (ForwardPassTest.Loaded model = new ForwardPassTest.Loaded(name);
             KvCache empty = KvCache.empty(model.env, model.forward.signature(), 3)) {
            OnnxJavaType expected = model.forward.signature().kvType();

            assertThat(empty.rows()).isEqualTo(3);
            assertThat(empty.length()).isZero();
            assertThat(empty.tensor(0, true).getInfo().type).isEqualTo(expected);
            assertThat(empty.tensor(0, false).getInfo().getShape()).containsExactly(3,
                    model.forward.signature().kvHeads(), 0, model.forward.signature().headDim());
        }
    }

    @ParameterizedTest
    @CsvSource({"upstream", TestModels.NO_POSITION_IDS, TestModels.FP16_CACHE})
    void shouldGiveTheSameLogitsPrefillingOnAKeptRowsPrefixAsPrefillingTheWholePrompt(String name) throws Exception {
        try (ForwardPassTest.Loaded model = new ForwardPassTest.Loaded(name)) {
            ModelSignature signature = model.forward.signature();
            int[] earlier = model.tokenizer.encode("<|user|>What is 12 + 30 - 7?<|assistant|>First, 12 + 30 = 42.");
            int[] other = model.tokenizer.encode("<|user|>2 + 2?<|assistant|>");
            int[] grown = model.tokenizer.encode(
                    "<|user|>What is 12 + 30 - 7?<|assistant|>First, 12 + 30 = 42. Then, 42 - 7 = 35.");
            int shared = PrefixCache.commonPrefix(earlier, grown);
            assertThat(shared).as("the grown prompt starts with the earlier one").isGreaterThan(earlier.length - 2);
            float[] whole = model.logitsOfEveryPosition(grown)[grown.length - 1];

            // the earlier prompt's row, left-padded beside a shorter one in a batch, split out and cut to the shared part
            int width = earlier.length;
            int pad = width - other.length;
            long[] ids = new long[2 * width];
            long[] mask = new long[2 * width];
            long[] positions = new long[2 * width];
            for (int j = 0; j < width; j++) {
                ids[j] = j < pad ? 0 : other[j - pad];
                mask[j] = j < pad ? 0 : 1;
                positions[j] = Math.max(0, j - pad);
                ids[width + j] = earlier[j];
                mask[width + j] = 1;
                positions[width + j] = j;
            }
            try (KvCache empty = KvCache.empty(model.env, signature, 2);
                 KvCache batch = model.forward.run(2, width, ids, mask, positions, empty)) {
                List<KvCache> rows = KvCache.splitRows(model.env, signature, new KvBuffers(), List.of(
                        KvCache.RowSlice.tail(batch, 1, width), KvCache.RowSlice.tail(batch, 0, other.length)));
                try (KvCache kept = rows.get(0); KvCache otherRow = rows.get(1);
                     KvCache past = KvCache.gather(model.env, signature, new KvBuffers(), List.of(KvCache.RowSlice.leading(kept, 0, shared)),
                             shared)) {
                    assertThat(otherRow.length()).isEqualTo(other.length);
                    assertThat(past.rows()).isEqualTo(1);
                    assertThat(past.length()).isEqualTo(shared);
                    int rest = grown.length - shared;
                    long[] restPositions = new long[rest];
                    for (int j = 0; j < rest; j++) {
                        restPositions[j] = shared + j;
                    }
                    try (KvCache ignored = model.forward.run(1, rest, ForwardPassTest.ids(grown, shared, grown.length),
                            ForwardPassTest.ones(grown.length), restPositions, past)) {
                        assertThat(ForwardPassTest.maxDifference(model.logits(0, rest - 1), whole))
                                .isLessThanOrEqualTo(ForwardPassTest.tolerance(model, whole));
                    }
                }
            }
        }
    }

    /** Byte offset of (row, head, column) in a (rows, kv_heads, length, head_dim) tensor. */
    private static int cell(int row, int head, int column, int length, ModelSignature signature) {
        return ((row * signature.kvHeads() + head) * length + column) * signature.headDim()
                * signature.kvElementBytes();
    }

    private static byte[] bytes(ByteBuffer buffer, int offset, int count) {
        byte[] out = new byte[count];
        buffer.get(offset, out);
        return out;
    }
}
