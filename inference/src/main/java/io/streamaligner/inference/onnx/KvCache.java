package io.streamaligner.inference.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.Result;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attention keys and values of every row of a batch, per layer:
 * <pre>
 * keys[layer], values[layer]   (rows, kv_heads, length, head_dim)
 * </pre>
 * Each row's valid entries are right-aligned: a row that has seen fewer tokens than {@code length} is padded on
 * the left, and the attention mask says which columns are padding.
 *
 * <p>In steady decoding a cache is the previous run's {@code present.*} outputs, fed back as
 * {@code past_key_values.*} without a Java-side copy. Only when the batch's rows change (a sequence joins or
 * enough have finished) is a new cache gathered by copying rows, see {@link #gather}.
 */
final class KvCache implements AutoCloseable {

    /** One row of a new cache: {@code count} columns of {@code row} in {@code source}, from column {@code from}. */
    record RowSlice(KvCache source, int row, int from, int count) {

        /** The last {@code count} columns of the row: its tokens, without its left padding. */
        static RowSlice tail(KvCache source, int row, int count) {
            return new RowSlice(source, row, source.length() - count, count);
        }

        /** The first {@code count} columns of a row without padding: its first {@code count} tokens. */
        static RowSlice leading(KvCache source, int row, int count) {
            return new RowSlice(source, row, 0, count);
        }
    }

    private final OnnxTensor[] keys;
    private final OnnxTensor[] values;
    /** What frees the tensors: the run's Result, or the tensors this class made. */
    private final AutoCloseable owner;
    private final int rows;
    private final int length;

    private KvCache(OnnxTensor[] keys, OnnxTensor[] values, AutoCloseable owner, int rows, int length) {
        this.keys = keys;
        this.values = values;
        this.owner = owner;
        this.rows = rows;
        this.length = length;
    }

    int rows() {
        return rows;
    }

    int length() {
        return length;
    }

    /** A zero-length cache for a first (prefill) pass; ONNX Runtime accepts empty direct buffers. */
    static KvCache empty(OrtEnvironment env, ModelSignature signature, int rows) throws OrtException {
        long[] shape = {rows, signature.kvHeads(), 0, signature.headDim()};
        return build(signature, rows, 0, (layer, key) -> OnnxTensor.createTensor(env,
                ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder()), shape, signature.kvType()));
    }

    /** Takes ownership of a run's Result: its present tensors become this cache. */
    static KvCache ofPresent(Result result, ModelSignature signature, int rows, int length) {
        OnnxTensor[] keys = new OnnxTensor[signature.layers()];
        OnnxTensor[] values = new OnnxTensor[signature.layers()];
        for (int layer = 0; layer < signature.layers(); layer++) {
            keys[layer] = present(result, ModelSignature.presentKey(layer));
            values[layer] = present(result, ModelSignature.presentValue(layer));
        }
        return new KvCache(keys, values, result, rows, length);
    }

    /**
     * A new cache whose row {@code i} holds {@code slices.get(i)}, right-aligned in {@code length} columns with
     * zeros on the left. With {@link #splitRows}, the only places cache data is copied.
     */
    static KvCache gather(OrtEnvironment env, ModelSignature signature, List<RowSlice> slices, int length)
            throws OrtException {
        int heads = signature.kvHeads();
        int rowBytes = signature.headDim() * signature.kvElementBytes();
        long[] shape = {slices.size(), heads, length, signature.headDim()};
        return build(signature, slices.size(), length, (layer, key) -> {
            ByteBuffer target = ByteBuffer.allocateDirect(slices.size() * heads * length * rowBytes)
                    .order(ByteOrder.nativeOrder());
            Map<KvCache, ByteBuffer> sources = new IdentityHashMap<>();
            for (int i = 0; i < slices.size(); i++) {
                RowSlice slice = slices.get(i);
                KvCache source = slice.source();
                // getByteBuffer copies the whole tensor, once per source; fine at a membership change
                ByteBuffer bytes = sources.computeIfAbsent(source, s -> s.tensor(layer, key).getByteBuffer());
                int valid = slice.count();
                for (int head = 0; head < heads; head++) {
                    int from = ((slice.row() * heads + head) * source.length + slice.from()) * rowBytes;
                    int to = ((i * heads + head) * length + length - valid) * rowBytes;
                    target.put(to, bytes, from, valid * rowBytes);
                }
            }
            return OnnxTensor.createTensor(env, target, shape, signature.kvType());
        });
    }

    /**
     * One single-row cache per slice, {@code count} columns long with no padding: rows of finished sequences, kept for
     * a later prompt that starts the same way. Layer by layer, so that one layer's copy of each source is alive at a
     * time (reading a tensor copies all of it).
     */
    static List<KvCache> splitRows(OrtEnvironment env, ModelSignature signature, List<RowSlice> slices)
            throws OrtException {
        int heads = signature.kvHeads();
        int rowBytes = signature.headDim() * signature.kvElementBytes();
        int layers = signature.layers();
        OnnxTensor[][] keys = new OnnxTensor[slices.size()][layers];
        OnnxTensor[][] values = new OnnxTensor[slices.size()][layers];
        List<OnnxTensor> made = new ArrayList<>();
        try {
            for (int layer = 0; layer < layers; layer++) {
                for (boolean key : new boolean[]{true, false}) {
                    Map<KvCache, ByteBuffer> sourceBytes = new IdentityHashMap<>();
                    for (int i = 0; i < slices.size(); i++) {
                        RowSlice slice = slices.get(i);
                        KvCache source = slice.source();
                        int layerIndex = layer;
                        ByteBuffer bytes = sourceBytes.computeIfAbsent(source,
                                s -> s.tensor(layerIndex, key).getByteBuffer());
                        int valid = slice.count();
                        ByteBuffer target = ByteBuffer.allocateDirect(heads * valid * rowBytes)
                                .order(ByteOrder.nativeOrder());
                        for (int head = 0; head < heads; head++) {
                            int from = ((slice.row() * heads + head) * source.length + slice.from()) * rowBytes;
                            target.put(head * valid * rowBytes, bytes, from, valid * rowBytes);
                        }
                        OnnxTensor tensor = OnnxTensor.createTensor(env, target,
                                new long[]{1, heads, valid, signature.headDim()}, signature.kvType());
                        made.add(tensor);
                        (key ? keys : values)[i][layer] = tensor;
                    }
                }
            }
        } catch (OrtException | RuntimeException | OutOfMemoryError e) {
            made.forEach(OnnxTensor::close);
            throw e;
        }
        List<KvCache> split = new ArrayList<>(slices.size());
        for (int i = 0; i < slices.size(); i++) {
            List<OnnxTensor> own = new ArrayList<>(List.of(keys[i]));
            own.addAll(List.of(values[i]));
            split.add(new KvCache(keys[i], values[i], () -> own.forEach(OnnxTensor::close), 1, slices.get(i).count()));
        }
        return split;
    }

    /** The key ({@code key} true) or value tensor of a layer; owned by this cache. */
    OnnxTensor tensor(int layer, boolean key) {
        return key ? keys[layer] : values[layer];
    }

    /** Puts this cache into a run's inputs as {@code past_key_values.*}. */
    void addTo(Map<String, OnnxTensorLike> inputs) {
        for (int layer = 0; layer < keys.length; layer++) {
            inputs.put(ModelSignature.pastKey(layer), keys[layer]);
            inputs.put(ModelSignature.pastValue(layer), values[layer]);
        }
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing a KV cache failed", e);
        }
    }

    /** Makes the key ({@code key} true) or value tensor of one layer of a new cache. */
    private interface TensorFactory {
        OnnxTensor create(int layer, boolean key) throws OrtException;
    }

    /** A cache of tensors this class makes; if one cannot be made, those already made are closed. */
    private static KvCache build(ModelSignature signature, int rows, int length, TensorFactory factory)
            throws OrtException {
        OnnxTensor[] keys = new OnnxTensor[signature.layers()];
        OnnxTensor[] values = new OnnxTensor[signature.layers()];
        List<OnnxTensor> made = new ArrayList<>();
        try {
            for (int layer = 0; layer < signature.layers(); layer++) {
                keys[layer] = factory.create(layer, true);
                made.add(keys[layer]);
                values[layer] = factory.create(layer, false);
                made.add(values[layer]);
            }
        } catch (OrtException | RuntimeException e) {
            made.forEach(OnnxTensor::close);
            throw e;
        }
        return new KvCache(keys, values, () -> made.forEach(OnnxTensor::close), rows, length);
    }

    private static OnnxTensor present(Result result, String name) {
        OnnxValue value = result.get(name).orElseThrow(() -> new IllegalStateException("run returned no " + name));
        return (OnnxTensor) value;
    }
}
