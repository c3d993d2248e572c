package io.streamaligner.server.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's Node.js script from {@code src/test/js} with npm packages installed once under {@code target/} (never
 * into the source tree), for the tests that drive a real npm client or a real browser.
 */
public final class NodeScript {

    /** A safety net for a hung process, not a measurement. */
    private static final long PROCESS_LIMIT_MINUTES = 10;

    private final Path dir;

    private NodeScript(Path dir) {
        this.dir = dir;
    }

    /** What a run printed (stdout and stderr together) and how it exited. */
    public record Result(int exitCode, String output) {
    }

    /** Whether {@code program} is an executable on the PATH. */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Installs {@code packages} (exact versions) under {@code target/<name>} unless they are there, and copies
     * {@code src/test/js/<script>} beside them.
     */
    public static NodeScript install(String name, String script, String... packages) throws IOException, InterruptedException {
        Path dir = Path.of("target", name).toAbsolutePath();
        Files.createDirectories(dir);
        for (String pkg : packages) {
            String packageName = pkg.substring(0, pkg.lastIndexOf('@'));
            if (!Files.isDirectory(dir.resolve("node_modules").resolve(packageName))) {
                Result install = run(dir, List.of("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
                        dir.toString(), pkg));
                if (install.exitCode() != 0) {
                    throw new IOException("npm install " + pkg + " failed:\n" + install.output());
                }
            }
        }
        Files.copy(Path.of("src", "test", "js", script), dir.resolve(script), StandardCopyOption.REPLACE_EXISTING);
        return new NodeScript(dir);
    }

    /** The folder the packages and the script are in. */
    public Path dir() {
        return dir;
    }

    /** Runs {@code node <script> args...} in the script's folder and waits for it. */
    public Result run(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", dir.resolve(script).toString()));
        command.addAll(List.of(args));
        return run(dir, command);
    }

    private static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("node-script", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(PROCESS_LIMIT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end: " + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
