package io.streamaligner.topology.app;

import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.loop.StepSampling;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.util.Objects;

/**
 * The sampling a question gets from {@code ask}, {@code demo} and the gateway unless it says otherwise: what the
 * upstream's {@code generation_config.json} recommends (the toy upstream samples at temperature 1.0, and so makes the
 * slips the aligner fixes), seeded so that an answer can be repeated.
 */
public final class UpstreamDefaults {

    /** The seed a question gets when it names none: the same question gets the same answer. */
    public static final long DEFAULT_SEED = 1;

    private UpstreamDefaults() {
    }

    /**
     * What the upstream's folder recommends, with {@code seed}.
     *
     * @throws ModelFolderException if the upstream's folder cannot be read as a model folder
     */
    public static GenerationParams recommended(StreamAlignerConfig config, long seed) {
        Objects.requireNonNull(config, "config");
        return StepSampling.recommended(ModelFolder.open(config.upstream().folder()).generationDefaults(), seed);
    }
}
