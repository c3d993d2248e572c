package io.streamaligner.inference.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.model.ModelConfig;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The inputs and outputs of an optimum {@code text-generation-with-past} decoder, discovered from its session:
 * <pre>
 * input_ids                 [batch, seq]                          int64
 * attention_mask            [batch, past + seq]                   int64
 * position_ids (optional)   [batch, seq]                          int64   (Gemma exports have none)
 * past_key_values.N.key     [batch, kv_heads, past, head_dim]     fp32 or fp16 (also .value)
 * -> logits                 [batch, seq, vocab]                   fp32 or fp16
 * -> present.N.key          [batch, kv_heads, past + seq, head_dim]            (also .value)
 * </pre>
 *
 * @param layers         number of past/present pairs
 * @param hasPositionIds whether the model takes {@code position_ids}
 * @param kvType         element type of the cache tensors
 * @param logitsType     element type of the logits
 * @param kvHeads        key/value heads
 * @param headDim        width of one head
 * @param vocabSize      width of the logits
 */
record ModelSignature(int layers, boolean hasPositionIds, OnnxJavaType kvType, OnnxJavaType logitsType, int kvHeads,
                      int headDim, int vocabSize) {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String POSITION_IDS = "position_ids";
    static final String LOGITS = "logits";

    static String pastKey(int layer) {
        return "past_key_values." + layer + ".key";
    }

    static String pastValue(int layer) {
        return "past_key_values." + layer + ".value";
    }

    static String presentKey(int layer) {
        return "present." + layer + ".key";
    }

    static String presentValue(int layer) {
        return "present." + layer + ".value";
    }

    /** Bytes of one cache element. */
    int kvElementBytes() {
        return kvType == OnnxJavaType.FLOAT16 ? 2 : 4;
    }

    /** Bytes the cache holds for one token of one row: a key and a value per layer. */
    long kvBytesPerToken() {
        return 2L * layers * kvHeads * headDim * kvElementBytes();
    }

    /** Names of every present output, the outputs ONNX Runtime allocates each run. */
    Set<String> presentNames() {
        Set<String> names = new LinkedHashSet<>();
        for (int layer = 0; layer < layers; layer++) {
            names.add(presentKey(layer));
            names.add(presentValue(layer));
        }
        return names;
    }

    /**
     * Checks the session against the config and reads the types.
     *
     * @throws ModelFolderException naming each input or output that is missing, unexpected or of the wrong type
     */
    static ModelSignature discover(OrtSession session, ModelConfig config) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(config, "config");
        Map<String, NodeInfo> inputs;
        Map<String, NodeInfo> outputs;
        try {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
        } catch (OrtException e) {
            throw new ModelFolderException("cannot read the model's inputs and outputs: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        Set<String> expectedInputs = new LinkedHashSet<>(List.of(INPUT_IDS, ATTENTION_MASK));
        Set<String> expectedOutputs = new LinkedHashSet<>(List.of(LOGITS));
        for (int layer = 0; layer < config.layers(); layer++) {
            expectedInputs.add(pastKey(layer));
            expectedInputs.add(pastValue(layer));
            expectedOutputs.add(presentKey(layer));
            expectedOutputs.add(presentValue(layer));
        }
        for (String name : expectedInputs) {
            if (!inputs.containsKey(name)) {
                problems.add("missing input '" + name + "'");
            }
        }
        for (String name : expectedOutputs) {
            if (!outputs.containsKey(name)) {
                problems.add("missing output '" + name + "'");
            }
        }
        for (String name : inputs.keySet()) {
            if (!expectedInputs.contains(name) && !name.equals(POSITION_IDS)) {
                problems.add("unexpected input '" + name + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelFolderException("model.onnx does not match an optimum text-generation-with-past decoder "
                    + "with the config's " + config.layers() + " layers: " + String.join("; ", problems)
                    + " (inputs: " + inputs.keySet() + ", outputs: " + outputs.keySet() + ")");
        }
        for (String name : List.of(INPUT_IDS, ATTENTION_MASK, POSITION_IDS)) {
            if (inputs.containsKey(name) && tensor(inputs, name).type != OnnxJavaType.INT64) {
                problems.add("input '" + name + "' is " + tensor(inputs, name).type + ", expected INT64");
            }
        }
        OnnxJavaType kvType = tensor(inputs, pastKey(0)).type;
        OnnxJavaType logitsType = tensor(outputs, LOGITS).type;
        if (kvType != OnnxJavaType.FLOAT && kvType != OnnxJavaType.FLOAT16) {
            problems.add("past_key_values are " + kvType + ", expected FLOAT or FLOAT16");
        }
        if (logitsType != OnnxJavaType.FLOAT && logitsType != OnnxJavaType.FLOAT16) {
            problems.add("logits are " + logitsType + ", expected FLOAT or FLOAT16");
        }
        for (int layer = 0; layer < config.layers(); layer++) {
            for (String name : List.of(pastKey(layer), pastValue(layer))) {
                checkCacheShape(tensor(inputs, name), name, config, kvType, problems);
            }
        }
        long[] logitsShape = tensor(outputs, LOGITS).getShape();
        int vocab = logitsShape.length == 3 && logitsShape[2] > 0 ? (int) logitsShape[2] : config.vocabSize();
        if (logitsShape.length != 3) {
            problems.add("logits have rank " + logitsShape.length + ", expected [batch, seq, vocab]");
        }
        if (!problems.isEmpty()) {
            throw new ModelFolderException("model.onnx does not match config.json: " + String.join("; ", problems));
        }
        return new ModelSignature(config.layers(), inputs.containsKey(POSITION_IDS), kvType, logitsType,
                config.keyValueHeads(), config.headDim(), vocab);
    }

    private static void checkCacheShape(TensorInfo info, String name, ModelConfig config, OnnxJavaType kvType,
                                        List<String> problems) {
        long[] shape = info.getShape();
        if (info.type != kvType) {
            problems.add("'" + name + "' is " + info.type + " but past_key_values.0.key is " + kvType);
        }
        if (shape.length != 4) {
            problems.add("'" + name + "' has rank " + shape.length + ", expected [batch, kv_heads, past, head_dim]");
            return;
        }
        // symbolic dimensions read as -1; only fixed ones can be checked
        if (shape[1] > 0 && shape[1] != config.keyValueHeads()) {
            problems.add("'" + name + "' has " + shape[1] + " kv heads, config.json says " + config.keyValueHeads());
        }
        if (shape[3] > 0 && shape[3] != config.headDim()) {
            problems.add("'" + name + "' has head_dim " + shape[3] + ", config.json says " + config.headDim());
        }
    }

    private static TensorInfo tensor(Map<String, NodeInfo> nodes, String name) {
        if (!(nodes.get(name).getInfo() instanceof TensorInfo info)) {
            throw new ModelFolderException("'" + name + "' is not a tensor");
        }
        return info;
    }
}
