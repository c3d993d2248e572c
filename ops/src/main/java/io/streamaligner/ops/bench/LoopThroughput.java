package io.streamaligner.ops.bench;

import io.streamaligner.client.AlignmentClient;
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
import java.util.concurrent.TimeUnit;

import static io.streamaligner.ops.bench.BenchStats.percentile;

/**
 * The loop's throughput and time to first sentence around slow models, beside what the models alone would allow,
 * at several levels of concurrency in one run. Entry point of {@code ops/bench/loop-throughput.sh}.
 *
 * <p>The real Kafka loop (embedded broker, exactly_once_v2, the default wiring) runs over
 * {@link SimulatedLatencyModels}: the upstream writes {@value SimulatedLatencyModels#SENTENCE_TOKENS}-token sentences
 * at {@code --upstream-ms} per token, the aligner writes each back at {@code --aligner-ms} per token, four rounds per
 * answer. At each level a closed loop of clients keeps that many requests in flight; after a warm-up wave it
 * measures answers/s and TTFS (submit → first {@code SentenceAligned}) beside the ideal computed from the
 * simulated timings: an answer takes rounds × (sentence tokens × upstream ms + correction tokens × aligner ms),
 * answers/s is in-flight ÷ that, TTFS is one sentence and one correction.
 *
 * <p>Last line: {@code loop_throughput c1_ttfs_over_ideal_ms=A c64_ttfs_over_ideal_ms=B c64_answers_ratio=C
 * c256_answers_ratio=D}.
 */
public final class LoopThroughput {

    private static final int ROUNDS = 4;

    /** One level's figures; {@code complete} is false when it ran out of time and the figures are of what finished. */
    private record Level(int inFlight, double answersPerSecond, double ttfsP50Ms, double totalP50Ms, boolean complete) {
    }

    private LoopThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int upstreamMs = Integer.parseInt(BenchOptions.option(args, "--upstream-ms", "30"));
        int alignerMs = Integer.parseInt(BenchOptions.option(args, "--aligner-ms", "8"));
        Duration levelTimeout = Duration.ofSeconds(Long.parseLong(BenchOptions.option(args, "--level-timeout-s", "300")));
        Map<String, String> kafkaOverrides = BenchOptions.kafkaOverrides(args);
        List<Integer> levels = new ArrayList<>();
        for (String level : BenchOptions.option(args, "--levels", "1,16,64,256").split(",")) {
            levels.add(Integer.parseInt(level.strip()));
        }
        double idealAnswerMs = ROUNDS * (SimulatedLatencyModels.SENTENCE_TOKENS * (double) upstreamMs
                + SimulatedLatencyModels.SENTENCE_TOKENS * (double) alignerMs);
        double idealTtfsMs = idealAnswerMs / ROUNDS;

        List<Level> measured = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            for (int inFlight : levels) {
                log("measuring " + inFlight + " in flight ...");
                measured.add(measure(broker.bootstrapServers(), inFlight, upstreamMs, alignerMs, levelTimeout, kafkaOverrides));
            }
        }

        System.out.printf(Locale.ROOT, "%nthe Kafka loop (embedded broker, exactly_once_v2, in-memory wiring) over simulated models: "
                + "upstream %d ms/token, aligner %d ms/token, %d-token sentences, %d rounds per answer%n",
                upstreamMs, alignerMs, SimulatedLatencyModels.SENTENCE_TOKENS, ROUNDS);
        System.out.printf(Locale.ROOT, "%9s %12s %12s %7s %13s %13s %13s%n", "in flight", "answers/s", "ideal /s", "ratio",
                "TTFS p50 ms", "ideal TTFS", "answer p50 ms");
        for (Level level : measured) {
            double ideal = level.inFlight() / (idealAnswerMs / 1000);
            System.out.printf(Locale.ROOT, "%9d %12.2f %12.2f %7.3f %13.1f %13.1f %13.1f%s%n", level.inFlight(),
                    level.answersPerSecond(), ideal, level.answersPerSecond() / ideal, level.ttfsP50Ms(), idealTtfsMs,
                    level.totalP50Ms(), level.complete() ? "" : "   (ran out of time: figures of the answers that came)");
        }
        System.out.printf(Locale.ROOT, "loop_throughput c1_ttfs_over_ideal_ms=%.1f c64_ttfs_over_ideal_ms=%.1f "
                        + "c64_answers_ratio=%.3f c256_answers_ratio=%.3f%n",
                overIdeal(measured, 1, idealTtfsMs), overIdeal(measured, 64, idealTtfsMs),
                ratio(measured, 64, idealAnswerMs), ratio(measured, 256, idealAnswerMs));
    }

    /**
     * One level: a fresh application, a warm-up of {@code inFlight} answers (at least eight), then at least three waves
     * measured.
     */
    private static Level measure(String servers, int inFlight, int upstreamMs, int alignerMs, Duration timeout,
                                 Map<String, String> kafkaOverrides) throws Exception {
        String run = "throughput-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>(kafkaOverrides);
        settings.put(StreamAlignerConfig.BOOTSTRAP_SERVERS, servers);
        settings.put(StreamAlignerConfig.APPLICATION_ID, run);
        settings.put(StreamAlignerConfig.TOPIC_PREFIX, run + ".");
        // the stage's own cost against the sequential loop's ideal: speculation would beat that ideal (speculation.sh)
        settings.put(StreamAlignerConfig.LOOP_SPECULATE, "false");
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(settings);
        // at least eight: the first level runs in a fresh JVM, whose first answers measure the JIT, not the loop
        int warmup = Math.max(8, inFlight);
        int measuredAnswers = Math.max(24, 3 * inFlight);
        try (SimulatedLatencyModels models = new SimulatedLatencyModels(ROUNDS, Duration.ofMillis(upstreamMs),
                Duration.ofMillis(alignerMs));
             AlignmentApplication application = AlignmentApplication.start(config, models.models());
             AlignmentClient client = AlignmentClient.connect(config.kafkaProperties(), config.topicNames(),
                     Duration.ofMinutes(5))) {
            SimulatedClosedLoop loop = new SimulatedClosedLoop(client, ROUNDS, warmup, measuredAnswers);
            long start = System.nanoTime();
            for (int i = 0; i < inFlight; i++) {
                loop.submitNext();
            }
            boolean complete = loop.measuredDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            loop.stopped = true;
            if (loop.failure.get() != null) {
                throw new IllegalStateException("a request failed: " + loop.failure.get());
            }
            if (!complete) {
                log(loop.completed.get() + " answers in " + timeout.toSeconds() + " s at " + inFlight + " in flight, short of "
                        + (warmup + measuredAnswers));
                long from = loop.windowStartNanos.get() != 0 ? loop.windowStartNanos.get() : start;
                int counted = loop.windowStartNanos.get() != 0 ? loop.completed.get() - warmup : loop.completed.get();
                boolean anyMeasured = !loop.ttfsMs.isEmpty();
                return new Level(inFlight, counted / ((System.nanoTime() - from) / 1e9),
                        percentile(anyMeasured ? loop.ttfsMs : loop.warmupTtfsMs, 50),
                        percentile(anyMeasured ? loop.totalMs : loop.warmupTotalMs, 50), false);
            }
            double windowSeconds = (loop.windowEndNanos.get() - loop.windowStartNanos.get()) / 1e9;
            return new Level(inFlight, measuredAnswers / windowSeconds, percentile(loop.ttfsMs, 50),
                    percentile(loop.totalMs, 50), true);
        }
    }

    private static double overIdeal(List<Level> levels, int inFlight, double idealTtfsMs) {
        return levels.stream().filter(level -> level.inFlight() == inFlight).mapToDouble(level -> level.ttfsP50Ms() - idealTtfsMs)
                .findFirst().orElse(Double.NaN);
    }

    private static double ratio(List<Level> levels, int inFlight, double idealAnswerMs) {
        return levels.stream().filter(level -> level.inFlight() == inFlight)
                .mapToDouble(level -> level.answersPerSecond() / (inFlight / (idealAnswerMs / 1000))).findFirst().orElse(Double.NaN);
    }

    private static void log(String message) {
        System.err.println("loop-throughput: " + message);
    }
}
