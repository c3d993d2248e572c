package io.streamaligner.ops.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code run} instance of the application as a process of its own, started from the runnable jar
 * ({@code java -jar stream-aligner.jar run ... --http-port 0}), its output in a log file: what the fault programs and
 * the crash tests start, kill with SIGKILL, stop with SIGTERM and start again on the same data directory. Its HTTP
 * port tells which tasks it runs ({@code /health/ready}).
 */
public final class ApplicationProcess implements AutoCloseable {

    private static final Pattern RUNNING = Pattern.compile("^stream-aligner running", Pattern.MULTILINE);
    private static final Pattern HTTP = Pattern.compile("metrics and health on (http://\\S+)");
    private static final String STOPPED_CLEANLY = "stream-aligner stopped." + System.lineSeparator();
    private static final int SIGTERM_EXIT = 128 + 15;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP_CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;
    private String baseUrl;

    private ApplicationProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = command;
        this.log = log;
    }

    /**
     * Starts {@code run} from {@code jar} with the given settings ({@code -D key=value} each) and its data in
     * {@code dataDir}; returns at once ({@link #awaitRunning} waits for it to serve).
     */
    public static ApplicationProcess start(Path jar, String name, String bootstrapServers, Path dataDir,
                                           List<String> settings, Path logDir) {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx512m", "-jar", jar.toString(), "run",
                "--bootstrap-servers", bootstrapServers, "--http-port", "0",
                "-D", "streamaligner.data.dir=" + dataDir));
        for (String setting : settings) {
            command.add("-D");
            command.add(setting);
        }
        ApplicationProcess instance = new ApplicationProcess(name, List.copyOf(command), logDir.resolve(name + ".log"));
        instance.launch();
        return instance;
    }

    private void launch() {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "== " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            baseUrl = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until this start of the instance prints that it runs (Kafka Streams RUNNING), and reads its HTTP address. */
    public ApplicationProcess awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String output = thisStartsOutput();
            Matcher http = HTTP.matcher(output);
            if (RUNNING.matcher(output).find() && http.find()) {
                baseUrl = http.group(1);
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it ran; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not run within " + timeout + "; see " + log);
            }
            Thread.sleep(100);
        }
    }

    /** The prompts partitions of the tasks this instance runs now, from its readiness check; empty while not ready. */
    public TreeSet<Integer> activePartitions() {
        TreeSet<Integer> partitions = new TreeSet<>();
        readiness().ifPresent(ready -> ready.path("activeTasks")
                .forEach(task -> partitions.add(Integer.parseInt(task.asText().substring(task.asText().indexOf('_') + 1)))));
        return partitions;
    }

    /** The instance's {@code /health/ready} body, when it answers. */
    public Optional<JsonNode> readiness() {
        if (baseUrl == null) {
            return Optional.empty();
        }
        try {
            HttpResponse<String> response = HTTP_CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The instance's HTTP address, once it runs. */
    public String baseUrl() {
        return Objects.requireNonNull(baseUrl, name + " is not running");
    }

    /** SIGKILL: the process dies at once, mid-work, with nothing flushed or committed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * SIGTERM, as an orchestrator stops it, and waits for it to exit; whether it stopped cleanly: it says so, and its
     * exit code is the one a JVM ended by SIGTERM has (143), or 0.
     */
    public boolean stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new IllegalStateException(name + " did not stop within " + timeout + " of SIGTERM; see " + log);
        }
        int exit = process.exitValue();
        return (exit == 0 || exit == SIGTERM_EXIT) && thisStartsOutput().contains(STOPPED_CLEANLY);
    }

    /** Starts the instance again, with the same command and data directory. */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " still runs");
        }
        launch();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** Kills what is left (a test that failed half-way). */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** The log since this start's command line. */
    private String thisStartsOutput() {
        try {
            String all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            return all.substring(Math.max(0, all.lastIndexOf("== " + command.get(0))));
        } catch (IOException e) {
            return "";
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
