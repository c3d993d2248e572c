package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.topology.config.BundledModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern SERVING = Pattern.compile("^serving (\\S+) on http://127\\.0\\.0\\.1:(\\d+)/v1$", Pattern.MULTILINE);

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldShowItsUsage() {
        int exitCode = StreamAlignerCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("serve", "--help");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).contains("Usage: stream-aligner serve", "--model", "--port", "--served-model-name",
                "--api-key-env", "--template", "-D");
    }

    @Test
    void shouldEndWithOneLineWhenTheModelFolderIsMissing(@TempDir Path dir) {
        int exitCode = StreamAlignerCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("serve", "--model", dir.resolve("no-such-model").toString(), "--port", "0");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString().strip().lines()).hasSize(1).first().asString()
                .contains("serve: cannot load the model", "no-such-model");
    }

    @Test
    void shouldEndWithOneLineWhenTheKeyVariableIsUnset() {
        CommandLine commandLine = new CommandLine(new ServeCommand(Map.of())).setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err)).setExecutionExceptionHandler(UserErrors::handle);

        int exitCode = commandLine.execute("--model", upstream().toString(), "--port", "0", "--api-key-env", "NO_SUCH_KEY");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString().strip().lines()).hasSize(1).first().asString().contains("NO_SUCH_KEY", "not set");
    }

    @Test
    void shouldServeOnAFreePortUntilStopped() throws Exception {
        ServeCommand command = new ServeCommand(Map.of("SERVE_TEST_KEY", "k3y"));
        new CommandLine(command).setOut(new PrintWriter(out)).parseArgs("--model", upstream().toString(), "--port", "0",
                "--served-model-name", "toy", "--api-key-env", "SERVE_TEST_KEY", "-D", "streamaligner.engine.max-batch-size=4");
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> command.serve(stop));

        Matcher serving = awaitServing(exit);
        int port = Integer.parseInt(serving.group(2));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models"))
                .header("Authorization", "Bearer k3y").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models"))
                .build(), HttpResponse.BodyHandlers.ofString());
        stop.complete(null);

        assertThat(serving.group(1)).isEqualTo("toy");
        assertThat(out.toString().lines().filter(line -> line.startsWith("serving "))).hasSize(1);
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body()).contains("\"id\":\"toy\"");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(exit.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isZero();
    }

    private Matcher awaitServing(CompletableFuture<Integer> command) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Matcher matcher = SERVING.matcher(out.toString());
            if (matcher.find()) {
                return matcher;
            }
            if (command.isDone() || System.nanoTime() > deadline) {
                throw new AssertionError("no serving line; output: " + out + (command.isDone() ? " (command ended: "
                        + command.handle((code, failure) -> code != null ? "exit " + code : failure.toString()).join() + ")" : ""));
            }
            Thread.sleep(20);
        }
    }

    private static Path upstream() {
        return BundledModels.folder(BundledModels.UPSTREAM);
    }
}
