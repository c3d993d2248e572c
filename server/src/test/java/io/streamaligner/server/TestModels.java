package io.streamaligner.server;

import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bundled models (the {@code streamaligner.models} system property, else ../models), opened for tests. */
final class TestModels {

    private TestModels() {
    }

    static Path bundled(String name) {
        Path folder = Path.of(System.getProperty("streamaligner.models", "../models")).resolve(name).toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("bundled model folder " + folder + " not found; set -Dstreamaligner.models");
        }
        return folder;
    }

    static OnnxTextGenerator open(String name) {
        return OnnxTextGenerator.open(bundled(name), EngineOptions.cpu().withIntraOpThreads(1));
    }
}
