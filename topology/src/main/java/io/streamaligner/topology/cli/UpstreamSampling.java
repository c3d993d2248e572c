package io.streamaligner.topology.cli;

import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.topology.app.UpstreamDefaults;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.error.UserFixableException;
import java.io.PrintWriter;

/**
 * The sampling {@code ask} and {@code demo} give the upstream ({@link UpstreamDefaults}): what its
 * {@code generation_config.json} recommends, seeded so that a run can be repeated. A client without the model folder
 * falls back to greedy decoding, saying so.
 */
final class UpstreamSampling {

    private UpstreamSampling() {
    }

    /**
     * What the upstream's {@code generation_config.json} recommends.
     *
     * @throws UserFixableException if the upstream's folder is not a model folder
     */
    static GenerationDefaults defaults(StreamAlignerConfig config) {
        try {
            return ModelFolder.open(config.upstream().folder()).generationDefaults();
        } catch (ModelFolderException e) {
            throw new UserFixableException("cannot read the upstream model's folder: " + e.getMessage(), e);
        }
    }

    static GenerationParams recommended(StreamAlignerConfig config, long seed, PrintWriter err) {
        try {
            return UpstreamDefaults.recommended(config, seed);
        } catch (ModelFolderException e) {
            err.println("note: cannot read the upstream's generation_config.json (" + e.getMessage() + "); decoding greedily");
            err.flush();
            return AlignmentRequests.greedy();
        }
    }

    /** "greedy" or "temperature 1.0, top-k 50, top-p 1.0", for the header lines. */
    static String describe(GenerationParams generation) {
        if (generation.getTemperature() == 0) {
            return "greedy";
        }
        return "temperature " + generation.getTemperature() + ", top-k " + generation.getTopK() + ", top-p "
                + generation.getTopP();
    }
}
