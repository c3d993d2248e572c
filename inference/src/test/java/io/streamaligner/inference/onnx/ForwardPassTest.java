package io.streamaligner.inference.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.streamaligner.inference.TestModels;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.inference.tokenizer.Tokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardPassTest {

    /**
     * fp32 models: the 1e-4. The fp16 fixture stores keys and values in half precision, which a
     * recompute (fp32 inside) never rounds, so its bound is half precision's 2^-11 relative to the logit scale.
     */
    static double tolerance(Loaded model, float[] reference) {
        if (model.forward.signature().kvType() != ai.onnxruntime.OnnxJavaType.FLOAT16) {
            return 1e-4;
        }
        double scale = 0;
        for (float value : reference) {
            scale = Math.max(scale, Math.abs(value));
        }
        return scale * 0x1p-11 * 8;
    }

    @ParameterizedTest
    @CsvSource({"upstream", TestModels.NO_POSITION_IDS, TestModels.FP16_CACHE})
    void shouldGiveTheSameLogitsWithTheCacheAsARecomputeOfTheWholeSequence(String name) throws Exception {
        try (Loaded model = new Loaded(name)) {
            int[] tokens = model.tokenizer.encode(
                    "<|user|>What is 12 + 30 - 7?<|assistant|>First, 12 + 30 = 42. Then 42 - 7 = 35.");
            int promptLength = tokens.length / 2;
            float[][] full = model.logitsOfEveryPosition(tokens);

            try (KvCache empty = KvCache.empty(model.env, model.forward.signature(), 1)) {
                KvCache cache = model.forward.run(1, promptLength, ids(tokens, 0, promptLength), ones(promptLength),
                        range(promptLength), empty);
                assertThat(maxDifference(model.logits(0, promptLength - 1), full[promptLength - 1]))
                        .isLessThanOrEqualTo(tolerance(model, full[promptLength - 1]));
                for (int t = promptLength; t < tokens.length; t++) {
                    KvCache next = model.forward.run(1, 1, new long[]{tokens[t]}, ones(t + 1), new long[]{t}, cache);
                    cache.close();
                    cache = next;
                    assertThat(maxDifference(model.logits(0, 0), full[t])).as("position %d", t)
                            .isLessThanOrEqualTo(tolerance(model, full[t]));
                }
                cache.close();
            }
            assertThat(maxDifference(full[promptLength], full[promptLength + 1]))
                    .as("logits differ between positions, so the comparison means something").isGreaterThan(1e-3);
        }
    }

    @ParameterizedTest
    @CsvSource({"upstream", TestModels.NO_POSITION_IDS, TestModels.FP16_CACHE})
    void shouldGiveALeftPaddedRowTheSameLogitsAsTheRowAlone(String name) throws Exception {
        try (Loaded model = new Loaded(name)) {
            int[] shortPrompt = model.tokenizer.encode("<|user|>What is 2 + 3?<|assistant|>");
            int[] longPrompt = model.tokenizer.encode("<|user|>What is 120 + 345 - 17 + 8?<|assistant|>First,");
            int width = longPrompt.length;
            int pad = width - shortPrompt.length;
            long[] ids = new long[2 * width];
            long[] mask = new long[2 * width];
            long[] positions = new long[2 * width];
            for (int j = 0; j < width; j++) {
                ids[j] = j < pad ? 0 : shortPrompt[j - pad];
                mask[j] = j < pad ? 0 : 1;
                positions[j] = Math.max(0, j - pad);
                ids[width + j] = longPrompt[j];
                mask[width + j] = 1;
                positions[width + j] = j;
            }
            float[] shortAlone = model.logitsOfEveryPosition(shortPrompt)[shortPrompt.length - 1];
            float[] longAlone = model.logitsOfEveryPosition(longPrompt)[width - 1];

            try (KvCache empty = KvCache.empty(model.env, model.forward.signature(), 2);
                 KvCache ignored = model.forward.run(2, width, ids, mask, positions, empty)) {
                assertThat(maxDifference(model.logits(0, width - 1), shortAlone))
                        .isLessThanOrEqualTo(tolerance(model, shortAlone));
                assertThat(maxDifference(model.logits(1, width - 1), longAlone))
                        .isLessThanOrEqualTo(tolerance(model, longAlone));
            }
        }
    }

    /** A model folder's session, forward pass and tokenizer. */
    static final class Loaded implements AutoCloseable {
        final OrtEnvironment env = OrtEnvironment.getEnvironment();
        final SessionOpener.OpenSession opened;
        final ForwardPass forward;
        final Tokenizer tokenizer;

        Loaded(String name) {
            ModelFolder folder = ModelFolder.open(TestModels.named(name));
            opened = SessionOpener.open(env, folder.modelFile(), EngineOptions.cpu().withIntraOpThreads(1));
            forward = new ForwardPass(env, opened.session(), ModelSignature.discover(opened.session(), folder.config()));
            tokenizer = Tokenizer.load(folder.tokenizerFile());
        }

        float[][] logitsOfEveryPosition(int[] tokens) throws OrtException {
            float[][] logits = new float[tokens.length][];
            try (KvCache empty = KvCache.empty(env, forward.signature(), 1);
                 KvCache ignored = forward.run(1, tokens.length, ids(tokens, 0, tokens.length), ones(tokens.length),
                         range(tokens.length), empty)) {
                for (int t = 0; t < tokens.length; t++) {
                    logits[t] = logits(0, t);
                }
            }
            return logits;
        }

        float[] logits(int row, int position) {
            float[] logits = new float[forward.signature().vocabSize()];
            forward.copyLogits(row, position, logits);
            return logits;
        }

        @Override
        public void close() throws OrtException {
            opened.session().close();
            tokenizer.close();
        }
    }

    static double maxDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static long[] ids(int[] tokens, int from, int to) {
        return Arrays.stream(tokens, from, to).asLongStream().toArray();
    }

    static long[] ones(int count) {
        long[] ones = new long[count];
        Arrays.fill(ones, 1);
        return ones;
    }

    static long[] range(int count) {
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = i;
        }
        return values;
    }
}
