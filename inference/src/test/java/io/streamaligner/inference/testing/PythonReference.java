package io.streamaligner.inference.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs this project's Python test scripts (under {@code src/test/resources/python}, shipped in the inference test jar)
 * with Debian's {@code /usr/bin/python3} and its packages ({@code python3-jinja2}, {@code python3-torch},
 * {@code python3-onnx}), which hold the reference implementations the Java side is compared with. A test that needs a
 * module this machine lacks is skipped; {@code .ci/run} installs them.
 */
public final class PythonReference {

    /** Debian's interpreter: the one its python3-* packages are installed for. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final long TIMEOUT_SECONDS = 600;

    private PythonReference() {
    }

    /** Skips the calling test unless /usr/bin/python3 can import every one of {@code modules}. */
    public static void assumeModules(String... modules) {
        assumeTrue(Files.isExecutable(PYTHON), PYTHON + " is not installed");
        for (String module : modules) {
            boolean importable;
            try {
                importable = run(List.of(PYTHON.toString(), "-c", "import " + module), new byte[0]).exitCode() == 0;
            } catch (IOException e) {
                importable = false;
            }
            assumeTrue(importable, PYTHON + " cannot import " + module + " (apt-get install python3-" + module + ")");
        }
    }

    /**
     * Runs the script {@code name} from the test resources with {@code arguments}, {@code input} on stdin.
     *
     * @return its standard output
     * @throws IllegalStateException if it exits non-zero, with its standard error
     */
    public static String runScript(String name, byte[] input, String... arguments) {
        try {
            Path script = Files.createTempFile("stream-aligner-", "-" + name);
            try (InputStream source = PythonReference.class.getResourceAsStream("/python/" + name)) {
                if (source == null) {
                    throw new IllegalStateException("no test script python/" + name + " on the classpath");
                }
                Files.write(script, source.readAllBytes());
            }
            try {
                List<String> command = new java.util.ArrayList<>(List.of(PYTHON.toString(), script.toString()));
                command.addAll(List.of(arguments));
                Result result = run(command, input);
                if (result.exitCode() != 0) {
                    throw new IllegalStateException(name + " exited " + result.exitCode() + ":\n" + result.stderr());
                }
                return result.stdout();
            } finally {
                Files.deleteIfExists(script);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + name + ": " + e, e);
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result run(List<String> command, byte[] input) throws IOException {
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input);
        }
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " took over " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), new String(stdout.join(), StandardCharsets.UTF_8),
                    new String(stderr.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    private static byte[] readAll(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
