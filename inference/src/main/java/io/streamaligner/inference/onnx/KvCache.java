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
 * enough have finished) is a new cache gathered by copying rows, see {@link #gather}; gathered and kept caches are
 * made of direct buffers from the engine's {@link KvBuffers}, given back when they close. (Pinning the present outputs
 * into such buffers too, to read them in place, made the forward passes slower on the bundled models than the copy it
 * saves.)
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

    /** Read-only source of zero bytes for padding (absolute reads: safe to share between threads). */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 16);

    private final OnnxTensor[] keys;
    private final OnnxTensor[] values;
    /** What frees the tensors: the run's Result, or the tensors this class made (and gives their buffers back). */
    private final AutoCloseable owner;
    private final int rows;
    private final int length;
    private boolean closed;

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
        return build(signature, null, rows, 0, (layer, key, pooled) -> OnnxTensor.createTensor(env,
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
     * zeros on the left. With {@link #splitRows}, the only places cache data is copied. Its memory comes from
     * {@code buffers} and goes back there when it closes.
     */
    static KvCache gather(OrtEnvironment env, ModelSignature signature, KvBuffers buffers, List<RowSlice> slices,
                          int length) throws OrtException {
        int heads = signature.kvHeads();
        int rowBytes = signature.headDim() * signature.kvElementBytes();
        long[] shape = {slices.size(), heads, length, signature.headDim()};
        return build(signature, buffers, slices.size(), length, (layer, key, pooled) -> {
            KvBuffers.Taken taken = buffers.take(slices.size() * heads * length * rowBytes);
            pooled.add(taken.pooled());
            ByteBuffer target = taken.view();
            Map<KvCache, ByteBuffer> sources = new IdentityHashMap<>(); // each source read once
            for (int i = 0; i < slices.size(); i++) {
                RowSlice slice = slices.get(i);
                KvCache source = slice.source();
                ByteBuffer bytes = sources.computeIfAbsent(source, s -> s.readable(layer, key));
                int valid = slice.count();
                for (int head = 0; head < heads; head++) {
                    int from = ((slice.row() * heads + head) * source.length + slice.from()) * rowBytes;
                    int rowStart = (i * heads + head) * length * rowBytes;
                    int to = rowStart + (length - valid) * rowBytes;
                    zero(target, rowStart, to - rowStart); // masked, but must be finite: 0 × NaN is NaN
                    target.put(to, bytes, from, valid * rowBytes);
                }
            }
            return OnnxTensor.createTensor(env, target, shape, signature.kvType());
        });
    }

    /**
     * One single-row cache per slice, {@code count} columns long with no padding: rows of finished sequences, kept for
     * a later prompt that starts the same way. Layer by layer, so that one layer's copy of each source is alive at a
     * time (reading a run's output copies all of it). Their memory comes from {@code buffers} and goes back there when
     * each closes.
     */
    static List<KvCache> splitRows(OrtEnvironment env, ModelSignature signature, KvBuffers buffers,
                                   List<RowSlice> slices) throws OrtException {
        int heads = signature.kvHeads();
        int rowBytes = signature.headDim() * signature.kvElementBytes();
        int layers = signature.layers();
        OnnxTensor[][] keys = new OnnxTensor[slices.size()][layers];
        OnnxTensor[][] values = new OnnxTensor[slices.size()][layers];
        List<List<OnnxTensor>> made = new ArrayList<>();
        List<List<ByteBuffer>> pooled = new ArrayList<>();
        for (int i = 0; i < slices.size(); i++) {
            made.add(new ArrayList<>());
            pooled.add(new ArrayList<>());
        }
        try {
            for (int layer = 0; layer < layers; layer++) {
                for (boolean key : new boolean[]{true, false}) {
                    Map<KvCache, ByteBuffer> sources = new IdentityHashMap<>(); // each source read once
                    for (int i = 0; i < slices.size(); i++) {
                        RowSlice slice = slices.get(i);
                        KvCache source = slice.source();
                        int layerIndex = layer;
                        ByteBuffer bytes = sources.computeIfAbsent(source, s -> s.readable(layerIndex, key));
                        int valid = slice.count();
                        KvBuffers.Taken taken = buffers.take(heads * valid * rowBytes);
                        pooled.get(i).add(taken.pooled());
                        for (int head = 0; head < heads; head++) {
                            int from = ((slice.row() * heads + head) * source.length + slice.from()) * rowBytes;
                            taken.view().put(head * valid * rowBytes, bytes, from, valid * rowBytes);
                        }
                        OnnxTensor tensor = OnnxTensor.createTensor(env, taken.view(),
                                new long[]{1, heads, valid, signature.headDim()}, signature.kvType());
                        made.get(i).add(tensor);
                        (key ? keys : values)[i][layer] = tensor;
                    }
                }
            }
        } catch (OrtException | RuntimeException | OutOfMemoryError e) {
            for (int i = 0; i < slices.size(); i++) {
                release(made.get(i), pooled.get(i), buffers);
            }
            throw e;
        }
        List<KvCache> split = new ArrayList<>(slices.size());
        for (int i = 0; i < slices.size(); i++) {
            List<OnnxTensor> tensors = made.get(i);
            List<ByteBuffer> memory = pooled.get(i);
            split.add(new KvCache(keys[i], values[i], () -> release(tensors, memory, buffers), 1,
                    slices.get(i).count()));
        }
        return split;
    }

    /** Closes tensors this class made, then gives their buffers back to {@code buffers} (none: nothing to give). */
    private static void release(List<OnnxTensor> tensors, List<ByteBuffer> pooled, KvBuffers buffers) {
        tensors.forEach(OnnxTensor::close);
        if (buffers != null) {
            pooled.forEach(buffers::give);
        }
    }

    /** The key ({@code key} true) or value tensor of a layer; owned by this cache. */
    OnnxTensor tensor(int layer, boolean key) {
        return key ? keys[layer] : values[layer];
    }

    /**
     * The bytes of a layer's key or value tensor, to copy rows from: read in place when this class made the tensor; a
     * run's present tensor lives in ONNX Runtime's memory, and reading it copies all of it.
     */
    private ByteBuffer readable(int layer, boolean key) {
        OnnxTensor tensor = tensor(layer, key);
        // not getBufferRef on a run's output: ONNX Runtime 1.23 throws there rather than say it has no buffer
        return owner instanceof Result ? tensor.getByteBuffer() : (ByteBuffer) tensor.getBufferRef().orElseThrow();
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
        if (closed) {
            return; // a second close would give the same buffers to the pool twice
        }
        closed = true;
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing a KV cache failed", e);
        }
    }

    /**
     * Makes the key ({@code key} true) or value tensor of one layer of a new cache; adds the buffers it takes to
     * {@code pooled}.
     */
    private interface TensorFactory {
        OnnxTensor create(int layer, boolean key, List<ByteBuffer> pooled) throws OrtException;
    }

    /**
     * A cache of tensors this class makes, their buffers given back to {@code buffers} (if any) when it closes; if one
     * cannot be made, those already made are closed.
     */
    private static KvCache build(ModelSignature signature, KvBuffers buffers, int rows, int length,
                                 TensorFactory factory) throws OrtException {
        OnnxTensor[] keys = new OnnxTensor[signature.layers()];
        OnnxTensor[] values = new OnnxTensor[signature.layers()];
        List<OnnxTensor> made = new ArrayList<>();
        List<ByteBuffer> pooled = new ArrayList<>();
        try {
            for (int layer = 0; layer < signature.layers(); layer++) {
                keys[layer] = factory.create(layer, true, pooled);
                made.add(keys[layer]);
                values[layer] = factory.create(layer, false, pooled);
                made.add(values[layer]);
            }
        } catch (OrtException | RuntimeException | OutOfMemoryError e) {
            release(made, pooled, buffers);
            throw e;
        }
        return new KvCache(keys, values, () -> release(made, pooled, buffers), rows, length);
    }

    private static OnnxTensor present(Result result, String name) {
        OnnxValue value = result.get(name).orElseThrow(() -> new IllegalStateException("run returned no " + name));
        return (OnnxTensor) value;
    }

    /** Zeroes {@code bytes} of {@code target} from {@code from}. */
    private static void zero(ByteBuffer target, int from, int bytes) {
        for (int done = 0; done < bytes; ) {
            int chunk = Math.min(bytes - done, ZEROS.capacity());
            target.put(from + done, ZEROS, 0, chunk);
            done += chunk;
        }
    }
}
