package io.streamaligner.inference.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.Result;
import ai.onnxruntime.platform.Fp16Conversions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One forward pass of the decoder over a batch: prefill (many tokens per row, empty past) or a decode step
 * (one token per row, the previous pass's cache as past).
 *
 * <p>Inputs go through reusable direct native-order buffers, which ONNX Runtime reads in place. The logits are
 * written by ONNX Runtime straight into a reusable direct buffer (a pinned output), so nothing is copied out;
 * the present tensors stay in ONNX Runtime's memory and are handed back as the next cache. Not thread-safe:
 * one engine thread owns it.
 */
final class ForwardPass {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelSignature signature;
    private final Set<String> presentNames;

    private LongBuffer inputIds = directLongs(64);
    private LongBuffer attentionMask = directLongs(64);
    private LongBuffer positionIds = directLongs(64);
    /** (rows, seq, vocab) of the last pass, fp32 or fp16. */
    private ByteBuffer logits = ByteBuffer.allocateDirect(0);
    private FloatBuffer logitsAsFloats = logits.asFloatBuffer();
    private ShortBuffer logitsAsHalves = logits.asShortBuffer();
    private int lastSequenceLength;

    ForwardPass(OrtEnvironment env, OrtSession session, ModelSignature signature) {
        this.env = env;
        this.session = session;
        this.signature = signature;
        this.presentNames = signature.presentNames();
    }

    ModelSignature signature() {
        return signature;
    }

    /**
     * Runs the model. The caller owns {@code past} and closes it after this returns (its tensors are inputs
     * until then); the returned cache is the caller's to close.
     *
     * @param rows          batch rows
     * @param seq           new tokens per row
     * @param tokenIds      (rows, seq), left-padded
     * @param attentionMask (rows, past + seq): 0 for padding, 1 for tokens
     * @param positionIds   (rows, seq): cumsum(mask) - 1, clamped at 0; ignored by models without position ids
     * @param past          (rows, kv_heads, past, head_dim) per layer
     * @return the present cache, (rows, kv_heads, past + seq, head_dim) per layer
     */
    KvCache run(int rows, int seq, long[] tokenIds, long[] attentionMask, long[] positionIds, KvCache past)
            throws OrtException {
        int total = past.length() + seq;
        this.inputIds = fill(this.inputIds, tokenIds, rows * seq);
        this.attentionMask = fill(this.attentionMask, attentionMask, rows * total);
        ensureLogits(rows, seq);
        Map<String, OnnxTensorLike> inputs = new HashMap<>();
        try (OnnxTensor ids = OnnxTensor.createTensor(env, this.inputIds, new long[]{rows, seq});
             OnnxTensor mask = OnnxTensor.createTensor(env, this.attentionMask, new long[]{rows, total});
             OnnxTensor positions = signature.hasPositionIds() ? positions(positionIds, rows, seq) : null;
             OnnxTensor logitsOut = OnnxTensor.createTensor(env, logits, new long[]{rows, seq, signature.vocabSize()},
                     signature.logitsType())) {
            inputs.put(ModelSignature.INPUT_IDS, ids);
            inputs.put(ModelSignature.ATTENTION_MASK, mask);
            if (positions != null) {
                inputs.put(ModelSignature.POSITION_IDS, positions);
            }
            past.addTo(inputs);
            Result result = session.run(inputs, presentNames, Map.of(ModelSignature.LOGITS, logitsOut));
            lastSequenceLength = seq;
            return KvCache.ofPresent(result, signature, rows, total);
        }
    }

    /** How many tokens per row the last pass ran. */
    int lastSequenceLength() {
        return lastSequenceLength;
    }

    /** Copies the last pass's logits at ({@code row}, {@code position}) into {@code target} (vocab long). */
    void copyLogits(int row, int position, float[] target) {
        int offset = (row * lastSequenceLength + position) * signature.vocabSize();
        if (signature.logitsType() == OnnxJavaType.FLOAT16) {
            for (int i = 0; i < target.length; i++) {
                target[i] = Fp16Conversions.fp16ToFloat(logitsAsHalves.get(offset + i));
            }
        } else {
            logitsAsFloats.get(offset, target, 0, target.length);
        }
    }

    private OnnxTensor positions(long[] values, int rows, int seq) throws OrtException {
        this.positionIds = fill(this.positionIds, values, rows * seq);
        return OnnxTensor.createTensor(env, this.positionIds, new long[]{rows, seq});
    }

    private void ensureLogits(int rows, int seq) {
        int bytes = rows * seq * signature.vocabSize() * (signature.logitsType() == OnnxJavaType.FLOAT16 ? 2 : 4);
        if (logits.capacity() < bytes) {
            logits = ByteBuffer.allocateDirect(Math.max(bytes, logits.capacity() * 2)).order(ByteOrder.nativeOrder());
            // views over the whole capacity, read with absolute gets: made once per buffer, not once per step
            logitsAsFloats = logits.asFloatBuffer();
            logitsAsHalves = logits.asShortBuffer();
        }
        logits.clear().limit(bytes);
    }

    /** Copies values[0, count) into the buffer (grown if needed), ready to read from position 0. */
    private static LongBuffer fill(LongBuffer buffer, long[] values, int count) {
        LongBuffer target = buffer.capacity() >= count ? buffer : directLongs(Math.max(count, buffer.capacity() * 2));
        target.clear();
        target.put(values, 0, count);
        target.flip();
        return target;
    }

    private static LongBuffer directLongs(int capacity) {
        return ByteBuffer.allocateDirect(capacity * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }
}
