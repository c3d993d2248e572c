package io.streamaligner.ops.bench;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.inference.http.ResponseCompletionPool;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.server.OpenAiServer;
import io.streamaligner.server.ServeSettings;
import io.streamaligner.topology.app.AlignmentApplication;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.streamaligner.ops.bench.BenchStats.countEqual;
import static io.streamaligner.ops.bench.BenchStats.median;
import static io.streamaligner.ops.bench.BenchStats.percentile;

/**
 * What serving the models over HTTP costs the loop: the same bundled models and the same greedy toy prompts, a fixed
 * number in flight, once with both models on the embedded engine and once with both behind {@link OpenAiServer} (what
 * {@code serve} runs) on loopback, reached through the HTTP backend. Arms alternate over several repetitions in one
 * JVM, each on a fresh application after a warm-up wave; medians are reported. Both arms first run unmeasured for a
 * while ({@code --warmup-s}): on two cores the JIT compiles the broker's, Streams' and the HTTP path's hot code for
 * minutes, and a measured run that overlaps it measures the compiler. Entry point of
 * {@code ops/bench/http-vs-embedded.sh}.
 *
 * <p>Round latency: for each answer, the time from its submission to its first sentence, then between consecutive
 * sentences, as a client sees them. Last line: {@code http_vs_embedded round_p50_ms_added=X answers_per_s_ratio=Y}.
 */
public final class HttpVsEmbedded {

    private enum Arm { EMBEDDED, HTTP }

    private record Measured(double roundP50Ms, double answersPerSecond, List<String> answers) {
    }

    private HttpVsEmbedded() {
    }

    public static void main(String[] args) throws Exception {
        ResponseCompletionPool.preferCommonPool(); // as the command line does, before any CompletableFuture
        int prompts = Integer.parseInt(BenchOptions.option(args, "--prompts", "64"));
        int inFlight = Integer.parseInt(BenchOptions.option(args, "--in-flight", "8"));
        int repeats = Integer.parseInt(BenchOptions.option(args, "--repeats", "5"));
        double warmupSeconds = Double.parseDouble(BenchOptions.option(args, "--warmup-s", "150"));
        Map<String, String> kafkaOverrides = BenchOptions.kafkaOverrides(args);
        List<AlignmentRequest> requests = ToyRequests.greedy(7, prompts);

        Map<Arm, List<Measured>> measured = new HashMap<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            StreamAlignerConfig base = config(broker.bootstrapServers(), kafkaOverrides, Map.of());
            try (OnnxTextGenerator upstreamEngine = OnnxTextGenerator.open(base.upstream().folder(), base.engine());
                 OnnxTextGenerator alignerEngine = OnnxTextGenerator.open(base.aligner().folder(), base.engine());
                 OpenAiServer upstreamServer = OpenAiServer.start(ServeSettings.defaults("upstream"), upstreamEngine);
                 OpenAiServer alignerServer = OpenAiServer.start(ServeSettings.defaults("aligner"), alignerEngine)) {
                Map<String, String> overHttp = Map.of(
                        StreamAlignerConfig.UPSTREAM_URL, upstreamServer.baseUrl().toString(),
                        StreamAlignerConfig.ALIGNER_URL, alignerServer.baseUrl().toString());
                // both arms, unmeasured, until the JIT has compiled the broker's, Streams' and both arms' hot code: on
                // two cores it takes a minute or more, and a cold arm measures the compiler, not the loop
                long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
                for (int round = 1; System.nanoTime() < warmupEnd; round++) {
                    for (Arm arm : Arm.values()) {
                        log("warm-up " + round + ": " + arm.name().toLowerCase(Locale.ROOT) + " ...");
                        measure(config(broker.bootstrapServers(), kafkaOverrides, arm == Arm.HTTP ? overHttp : Map.of()),
                                requests, inFlight);
                    }
                }
                for (int repeat = 1; repeat <= repeats; repeat++) {
                    for (Arm arm : Arm.values()) {
                        log("repeat " + repeat + " of " + repeats + ": " + arm.name().toLowerCase(Locale.ROOT) + " ...");
                        StreamAlignerConfig config = config(broker.bootstrapServers(), kafkaOverrides,
                                arm == Arm.HTTP ? overHttp : Map.of());
                        Measured run = measure(config, requests, inFlight);
                        log(String.format(Locale.ROOT, "  round p50 %.1f ms, %.2f answers/s", run.roundP50Ms(),
                                run.answersPerSecond()));
                        measured.computeIfAbsent(arm, a -> new ArrayList<>()).add(run);
                    }
                }
            }
        }

        List<String> embeddedAnswers = measured.get(Arm.EMBEDDED).get(0).answers();
        long equal = measured.get(Arm.HTTP).stream().mapToLong(run -> countEqual(run.answers(), embeddedAnswers)).min().orElse(0);
        double embeddedRound = median(measured.get(Arm.EMBEDDED).stream().map(Measured::roundP50Ms).toList());
        double httpRound = median(measured.get(Arm.HTTP).stream().map(Measured::roundP50Ms).toList());
        double embeddedRate = median(measured.get(Arm.EMBEDDED).stream().map(Measured::answersPerSecond).toList());
        double httpRate = median(measured.get(Arm.HTTP).stream().map(Measured::answersPerSecond).toList());
        System.out.printf(Locale.ROOT, "%nthe Kafka loop (embedded broker, exactly_once_v2, in-memory wiring), bundled models, "
                + "%d greedy toy prompts at %d in flight; medians of %d runs per arm after a %.0f s warm-up%n", prompts, inFlight,
                repeats, warmupSeconds);
        System.out.printf(Locale.ROOT, "%-28s %14s %12s%n", "models", "round p50 ms", "answers/s");
        System.out.printf(Locale.ROOT, "%-28s %14.1f %12.2f%n", "embedded engine", embeddedRound, embeddedRate);
        System.out.printf(Locale.ROOT, "%-28s %14.1f %12.2f%n", "behind serve (HTTP, SSE)", httpRound, httpRate);
        System.out.printf(Locale.ROOT, "answers equal to the embedded arm's: %d of %d%n", equal, prompts);
        System.out.printf(Locale.ROOT, "http_vs_embedded round_p50_ms_added=%.1f answers_per_s_ratio=%.3f%n",
                httpRound - embeddedRound, httpRate / embeddedRate);
    }

    private static StreamAlignerConfig config(String servers, Map<String, String> kafkaOverrides, Map<String, String> models) {
        String run = "http-vs-embedded-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>(kafkaOverrides);
        settings.putAll(models);
        settings.put(StreamAlignerConfig.BOOTSTRAP_SERVERS, servers);
        settings.put(StreamAlignerConfig.APPLICATION_ID, run);
        settings.put(StreamAlignerConfig.TOPIC_PREFIX, run + ".");
        return StreamAlignerConfig.fromSettings(settings);
    }

    /** A fresh application over the configured models: a warm-up wave, then every request, {@code inFlight} at a time. */
    private static Measured measure(StreamAlignerConfig config, List<AlignmentRequest> requests, int inFlight) throws Exception {
        try (AlignmentApplication application = AlignmentApplication.start(config);
             AlignmentClient client = AlignmentClient.connect(config.kafkaProperties(), config.topicNames(), Duration.ofMinutes(5))) {
            List<AlignmentRequest> warmup = requests.subList(0, Math.min(requests.size(), inFlight));
            new ClosedLoop(client, warmup, inFlight, "warmup-").run();
            ClosedLoop loop = new ClosedLoop(client, requests, inFlight, "");
            long start = System.nanoTime();
            List<String> answers = loop.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measured(percentile(loop.roundMs, 50), requests.size() / seconds, answers);
        }
    }

    /** Keeps {@code inFlight} of the requests in flight, each answer submitting the next, until all are answered. */
    private static final class ClosedLoop {

        private final AlignmentClient client;
        private final List<AlignmentRequest> requests;
        private final int inFlight;
        private final String idPrefix;
        private final AtomicInteger next = new AtomicInteger();
        private final String[] answers;
        private final ConcurrentLinkedQueue<Double> roundMs = new ConcurrentLinkedQueue<>();
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        ClosedLoop(AlignmentClient client, List<AlignmentRequest> requests, int inFlight, String idPrefix) {
            this.client = client;
            this.requests = requests;
            this.inFlight = inFlight;
            this.idPrefix = idPrefix;
            this.answers = new String[requests.size()];
            this.done = new CountDownLatch(requests.size());
        }

        List<String> run() throws InterruptedException {
            for (int i = 0; i < Math.min(inFlight, requests.size()); i++) {
                submitNext();
            }
            if (!done.await(10, TimeUnit.MINUTES) || failure.get() != null) {
                throw new IllegalStateException("not every request was answered: " + failure.get());
            }
            return List.of(answers);
        }

        private void submitNext() {
            int index = next.getAndIncrement();
            if (index >= requests.size()) {
                return;
            }
            AlignmentRequest request = AlignmentRequest.newBuilder(requests.get(index))
                    .setRequestId(idPrefix + requests.get(index).getRequestId() + "-" + UUID.randomUUID()).build();
            long[] last = {System.nanoTime()};
            CompletableFuture<AnswerFinal> answer = client.submit(request, new ResponseListener() {
                @Override
                public void onSentence(SentenceAligned sentence) {
                    long now = System.nanoTime();
                    roundMs.add((now - last[0]) / 1e6);
                    last[0] = now;
                }
            });
            answer.whenComplete((answerFinal, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                } else {
                    answers[index] = answerFinal.getAnswer();
                }
                done.countDown();
                submitNext();
            });
        }
    }

    private static void log(String message) {
        System.err.println("http-vs-embedded: " + message);
    }
}
