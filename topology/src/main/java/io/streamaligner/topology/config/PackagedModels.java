package io.streamaligner.topology.config;

import io.streamaligner.inference.model.ModelFolder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The bundled models packed into the application's jar (resources under {@value #RESOURCE_ROOT}), so that
 * {@code java -jar stream-aligner.jar demo} runs from any directory. ONNX Runtime and the tokenizer read files, so a
 * model is copied once into the user's cache ({@code $XDG_CACHE_HOME/stream-aligner/models}, else
 * {@code ~/.cache/stream-aligner/models}, else the temporary directory), in a folder named by the digest of its
 * contents: a jar with other models never reuses it, and every run of the same jar does.
 */
final class PackagedModels {

    /** Where the build puts the model folders in the jar. */
    static final String RESOURCE_ROOT = "stream-aligner/models/";
    /** The files of a model folder the engine reads (optimum's layout and this project's settings). */
    static final List<String> FILES = List.of(ModelFolder.MODEL_FILE, ModelFolder.TOKENIZER_FILE, ModelFolder.CONFIG_FILE,
            ModelFolder.GENERATION_CONFIG_FILE, ModelFolder.TOKENIZER_CONFIG_FILE, ModelFolder.SETTINGS_FILE);

    private PackagedModels() {
    }

    /**
     * The packed model {@code name} as a folder under {@code cacheRoot}, copied there if it is not yet; empty when the
     * classpath holds no such model.
     *
     * @throws UncheckedIOException if the cache cannot be written
     */
    static Optional<Path> extract(String name, Path cacheRoot) {
        Map<String, byte[]> files = read(name);
        if (!files.containsKey(ModelFolder.MODEL_FILE)) {
            return Optional.empty();
        }
        Path folder = cacheRoot.resolve("models").resolve(name + "-" + digest(files));
        if (Files.isRegularFile(folder.resolve(ModelFolder.MODEL_FILE))) {
            return Optional.of(folder);
        }
        try {
            Files.createDirectories(folder.getParent());
            Path staging = Files.createTempDirectory(folder.getParent(), name + "-");
            try {
                for (Map.Entry<String, byte[]> file : files.entrySet()) {
                    Files.write(staging.resolve(file.getKey()), file.getValue());
                }
                try {
                    Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    // another process copied the same contents first: Linux reports the rename onto its folder as
                    // "Directory not empty", a plain FileSystemException, so the folder itself is the test
                    if (!Files.isRegularFile(folder.resolve(ModelFolder.MODEL_FILE))) {
                        throw raced;
                    }
                }
            } finally {
                deleteRecursively(staging);
            }
            return Optional.of(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the bundled model " + name + " into " + folder, e);
        }
    }

    /** {@code $XDG_CACHE_HOME/stream-aligner}, else {@code ~/.cache/stream-aligner}. */
    static Path defaultCacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("stream-aligner");
    }

    private static Map<String, byte[]> read(String name) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        ClassLoader loader = PackagedModels.class.getClassLoader();
        for (String file : FILES) {
            try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + name + "/" + file)) {
                if (in != null) {
                    files.put(file, in.readAllBytes());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the bundled model file " + name + "/" + file, e);
            }
        }
        return files;
    }

    private static String digest(Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            files.forEach((file, bytes) -> {
                sha.update(file.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(bytes);
            });
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
