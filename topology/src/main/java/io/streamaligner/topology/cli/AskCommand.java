package io.streamaligner.topology.cli;

import io.streamaligner.client.AlignmentClient.Subscription;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.schemas.TokenDelta;
import io.streamaligner.topology.app.AlignmentSession;
import io.streamaligner.topology.app.AlignmentSession.Application;
import io.streamaligner.topology.config.StreamAlignerConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ask}: produces one prompt and prints, round by round, the upstream's provisional text as it is written
 * (dim on a terminal), then the sentence as aligned (original → corrected); then the final answer. With bootstrap servers it talks to a running application; without, it starts an embedded broker
 * and the application for the duration of the question.
 */
@Command(name = "ask",
        description = {"Asks one question: produces it to the prompts topic, prints the upstream's provisional text as "
                + "it is written (a line starting with ~), then each sentence as it is aligned (original → corrected), "
                + "then the final answer.",
                "Without --bootstrap-servers it starts an embedded broker and the application for the question."})
public final class AskCommand implements Callable<Integer> {

    @Mixin
    private ConfigOptions config;

    @Parameters(index = "0", paramLabel = "QUESTION", description = "The question, e.g. \"What is 23 + 48 - 19?\"")
    private String question;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system prompt for the upstream.")
    private String systemPrompt;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the upstream's sampling, for a repeatable answer (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--greedy", description = "Decode the upstream greedily instead of with its recommended sampling.")
    private boolean greedy;

    @Option(names = "--max-rounds", paramLabel = "N", defaultValue = "16",
            description = "Sentences to align at most (default: ${DEFAULT-VALUE}, as in the paper).")
    private int maxRounds;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Give up waiting for the answer after this long (default: ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StreamAlignerConfig resolved = config.resolve();
        GenerationParams generation = greedy ? AlignmentRequests.greedy() : UpstreamSampling.recommended(resolved, seed, err);
        AlignmentRequest.Builder builder = AlignmentRequests.builder(question).setGeneration(generation).setMaxRounds(maxRounds);
        if (systemPrompt != null) {
            builder.setSystemPrompt(systemPrompt);
        }
        AlignmentRequest request = builder.build();

        err.println("ask: " + AlignmentSession.plan(resolved, Application.RUNNING_IF_SERVERS_GIVEN) + " ...");
        err.flush();
        try (AlignmentSession session = AlignmentSession.open(resolved, Application.RUNNING_IF_SERVERS_GIVEN,
                Duration.ofSeconds(timeoutSeconds), Subscription.RESPONSES_AND_UPSTREAM_TOKENS)) {
            PrintingListener listener = new PrintingListener(out, err, System.console() != null);
            AnswerFinal answer = session.await(session.client().submit(request, listener),
                    "request " + request.getRequestId());
            out.println("Answer: " + answer.getAnswer());
            out.println("(" + answer.getRounds() + " rounds, " + answer.getFinishReason() + ", " + answer.getTotalMs() + " ms; upstream "
                    + UpstreamSampling.describe(generation) + ")");
            out.flush();
            return CommandLine.ExitCode.OK;
        }
    }

    /**
     * Prints each event of the one request as it arrives: a round's provisional text on a line of its own (dim on a
     * terminal), ended when its sentence arrives.
     */
    private static final class PrintingListener implements ResponseListener {

        private static final String DIM = "\u001b[2m";
        private static final String RESET = "\u001b[0m";

        private final PrintWriter out;
        private final PrintWriter err;
        private final boolean terminal;
        /** The round whose provisional line is open (printed without its line break yet), or 0. */
        private int provisionalRound;
        /** Whether the open provisional line shows any text yet. */
        private boolean provisionalShown;

        PrintingListener(PrintWriter out, PrintWriter err, boolean terminal) {
            this.out = out;
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public void onUpstreamDelta(TokenDelta delta) {
            String text = delta.getText();
            if (provisionalRound != delta.getRound()) {
                endProvisional();
                out.print((terminal ? DIM : "") + AlignedSentenceLine.provisionalStart(delta.getRound()));
                provisionalRound = delta.getRound();
                provisionalShown = false;
            }
            if (!provisionalShown) {
                text = text.stripLeading(); // the space that joins the sentence to the previous one
                provisionalShown = !text.isEmpty();
            }
            out.print(AlignedSentenceLine.oneLine(text));
            out.flush();
        }

        @Override
        public void onSentence(SentenceAligned sentence) {
            endProvisional();
            out.println(AlignedSentenceLine.format(sentence));
            out.flush();
        }

        @Override
        public void onError(AlignmentError error) {
            endProvisional();
            out.flush();
            err.println("error in round " + error.getRound() + " (" + error.getStage() + "): " + error.getMessage());
            err.flush();
        }

        private void endProvisional() {
            if (provisionalRound != 0) {
                out.println(terminal ? RESET : "");
                provisionalRound = 0;
            }
        }
    }
}
