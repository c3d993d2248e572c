package io.streamaligner.topology.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one of the loop's models comes from ({@code streamaligner.upstream.*} or {@code streamaligner.aligner.*}).
 *
 * @param folder   the model folder (optimum ONNX layout)
 * @param template a built-in chat template name overriding the folder's own, if set
 */
public record ModelSettings(Path folder, Optional<String> template) {

    public ModelSettings {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(template, "template");
    }
}
