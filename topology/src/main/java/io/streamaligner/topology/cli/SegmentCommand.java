package io.streamaligner.topology.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.loop.segment.SentenceBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code segment}: cuts text from standard input into sentences with the topology's own streaming
 * segmenter, fed a few characters at a time as an LLM's deltas would be, so it shows exactly what the
 * topology would cut. Sentences print as soon as they are decided.
 */
@Command(name = "segment",
        description = {"Cuts UTF-8 text from standard input into sentences, streaming it through the segmenter the topology uses.",
                "Prints one sentence per line (line breaks inside a sentence, e.g. in a code block, shown as \\n), "
                        + "or with --json one JSON array of the exact sentences."})
public final class SegmentCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "Print one JSON array of the sentences once the input ends.")
    private boolean json;

    @Option(names = "--chunk-size", paramLabel = "CHARS", defaultValue = "4",
            description = "Characters per delta fed to the segmenter, like an LLM's tokens (default: ${DEFAULT-VALUE}).")
    private int chunkSize;

    @Spec
    private CommandSpec spec;

    private final InputStream input;

    /** Reads standard input. */
    public SegmentCommand() {
        this(System.in);
    }

    /** Reads {@code input} instead of standard input. */
    public SegmentCommand(InputStream input) {
        this.input = requireNonNull(input, "input");
    }

    @Override
    public Integer call() throws IOException {
        if (chunkSize < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--chunk-size must be at least 1, was " + chunkSize);
        }
        PrintWriter out = spec.commandLine().getOut();
        SentenceBuffer buffer = new SentenceBuffer();
        List<String> sentences = new ArrayList<>();
        Reader reader = new InputStreamReader(input, StandardCharsets.UTF_8);
        char[] delta = new char[chunkSize];
        int read;
        while ((read = reader.read(delta, 0, chunkSize)) >= 0) {
            emit(buffer.append(new String(delta, 0, read)), sentences, out);
        }
        emit(buffer.finish(), sentences, out);
        if (json) {
            out.println(JSON.writeValueAsString(sentences));
        }
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    private void emit(List<String> completed, List<String> sentences, PrintWriter out) {
        if (json) {
            sentences.addAll(completed);
            return;
        }
        for (String sentence : completed) {
            out.println(sentence.replace("\r\n", "\n").replace("\n", "\\n"));
        }
        out.flush();
    }
}
