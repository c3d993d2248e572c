package io.streamaligner.inference.testing;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A small random-weight Llama decoder with Llama-3's real 128k vocabulary, tokenizer and chat template, laid out as an
 * optimum export of the family is: made at test time by {@code make_real_vocab_model.py} (PyTorch and
 * {@code training/model.py}) into the build folder, never committed. Tests that use it are skipped where
 * {@code /usr/bin/python3} lacks {@code torch} or {@code onnx}, or {@code npm} is missing for the tokenizer.
 */
public final class RealVocabularyModel {

    private static final String SCRIPT = "make_real_vocab_model.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RealVocabularyModel() {
    }

    /** The model folder, made on first use. */
    public static synchronized Path llama3() {
        PythonReference.assumeModules("torch", "onnx");
        Path tokenizer = RealTokenizers.LLAMA3.folder();
        Path folder = buildDirectory().resolve("real-vocab-llama3");
        if (!Files.isRegularFile(folder.resolve("model.onnx"))) {
            PythonReference.runScript(SCRIPT, new byte[0], "make", trainingDirectory().toString(), tokenizer.toString(),
                    folder.toString());
        }
        return folder;
    }

    /** The greedy continuation of {@code promptIds} by eager PyTorch on the same weights (full recompute per token). */
    public static int[] torchGreedy(Path folder, int[] promptIds, int steps) {
        try {
            String output = PythonReference.runScript(SCRIPT, JSON.writeValueAsBytes(promptIds), "greedy",
                    trainingDirectory().toString(), folder.toString(), Integer.toString(steps));
            return JSON.readValue(output.getBytes(StandardCharsets.UTF_8), int[].class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the greedy ids for " + Arrays.toString(promptIds), e);
        }
    }

    /** {@code training/}, whose model.py defines the architecture (the build sets {@code streamaligner.training}). */
    private static Path trainingDirectory() {
        return Path.of(System.getProperty("streamaligner.training", "../training")).toAbsolutePath().normalize();
    }

    /** The module's build folder (the build sets {@code streamaligner.build.dir}), where made fixtures go. */
    private static Path buildDirectory() {
        return Path.of(System.getProperty("streamaligner.build.dir", "target")).toAbsolutePath().normalize();
    }
}
