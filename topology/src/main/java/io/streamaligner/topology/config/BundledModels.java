package io.streamaligner.topology.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the tiny models shipped with the application: the repository's {@code models/} folder when it is there (run
 * from the repository root, from {@code topology/}, or a jar beside a {@code models/} folder), else the copies packed
 * into the jar itself ({@link PackagedModels}), so {@code java -jar stream-aligner.jar demo} runs from any directory.
 */
public final class BundledModels {

    /** The bundled upstream model's folder name. */
    public static final String UPSTREAM = "toy-math-upstream";
    /** The bundled aligner model's folder name. */
    public static final String ALIGNER = "toy-math-aligner";
    /** A system property naming the models folder; the build sets it for tests. */
    public static final String MODELS_DIR_PROPERTY = "streamaligner.models";

    /** How far above the jar (or classes folder) to look: {@code topology/target/x.jar} is two below the root. */
    private static final int LEVELS_ABOVE_CODE = 3;

    private static Path processCacheRoot;

    private BundledModels() {
    }

    /**
     * The folder of the bundled model {@code name}: the first {@code models/name} that exists under the
     * {@value #MODELS_DIR_PROPERTY} folder, the working directory, or the jar's folder and its parents; else the
     * model packed in the jar, copied into the user's cache. When none exists, {@code ./models/name} (absent), for
     * model loading to report.
     */
    public static Path folder(String name) {
        try {
            return folder(name, PackagedModels.defaultCacheRoot());
        } catch (UncheckedIOException unwritableCache) {
            // a folder of this process's own (owner-only), never a shared one another user could have filled
            try {
                return folder(name, processCacheRoot());
            } catch (IOException noTempFolder) {
                unwritableCache.addSuppressed(noTempFolder);
                throw unwritableCache;
            }
        }
    }

    /** A temporary folder made once per process, for when the user's cache cannot be written. */
    private static synchronized Path processCacheRoot() throws IOException {
        if (processCacheRoot == null) {
            processCacheRoot = Files.createTempDirectory("stream-aligner-");
        }
        return processCacheRoot;
    }

    /** As {@link #folder(String)}, copying a packed model under {@code cacheRoot}. */
    static Path folder(String name, Path cacheRoot) {
        for (Path modelsDir : candidateModelsDirs()) {
            Path folder = modelsDir.resolve(name);
            if (Files.isDirectory(folder)) {
                return folder.toAbsolutePath().normalize();
            }
        }
        return PackagedModels.extract(name, cacheRoot).map(folder -> folder.toAbsolutePath().normalize())
                .orElseGet(() -> Path.of("models", name).toAbsolutePath());
    }

    private static List<Path> candidateModelsDirs() {
        List<Path> dirs = new ArrayList<>();
        Optional.ofNullable(System.getProperty(MODELS_DIR_PROPERTY)).map(Path::of).ifPresent(dirs::add);
        dirs.add(Path.of("models"));
        codeLocation().ifPresent(code -> {
            Path dir = Files.isDirectory(code) ? code : code.getParent();
            for (int level = 0; level <= LEVELS_ABOVE_CODE && dir != null; level++, dir = dir.getParent()) {
                dirs.add(dir.resolve("models"));
            }
        });
        return dirs;
    }

    private static Optional<Path> codeLocation() {
        CodeSource source = BundledModels.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
