package io.streamaligner.inference;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Model folders for tests: the bundled models (the {@code streamaligner.models} system property, else
 * ../models) and the small fixtures under src/test/resources/fixtures (see make_fixtures.py there).
 */
public final class TestModels {

    /** Like a Gemma export: no position_ids input. */
    public static final String NO_POSITION_IDS = "no-position-ids";
    /** fp16 past_key_values, present and logits. */
    public static final String FP16_CACHE = "fp16-cache";

    private TestModels() {
    }

    public static Path upstream() {
        return bundled("toy-math-upstream");
    }

    public static Path aligner() {
        return bundled("toy-math-aligner");
    }

    public static Path bundled(String name) {
        Path root = Path.of(System.getProperty("streamaligner.models", "../models"));
        Path folder = root.resolve(name).toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("bundled model folder " + folder + " not found; set -Dstreamaligner.models");
        }
        return folder;
    }

    public static Path fixture(String name) {
        URL url = TestModels.class.getResource("/fixtures/" + name);
        if (url == null) {
            throw new IllegalStateException("test fixture " + name + " not on the classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** By name: "upstream", "aligner" or a fixture name. */
    public static Path named(String name) {
        return switch (name) {
            case "upstream" -> upstream();
            case "aligner" -> aligner();
            default -> fixture(name);
        };
    }
}
