package io.streamaligner.ops.bench;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.topology.app.AlignmentApplication;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What running the upstream's next step ahead of the aligner (speculation) saves an answer, beside what the models
 * alone allow: the real Kafka loop (embedded broker, exactly_once_v2, in-memory wiring) over
 * {@link SimulatedLatencyModels} whose aligner changes 0 %, 25 % and 75 % of the sentences, with speculation off and on,
 * in one run. Entry point of {@code ops/bench/speculation.sh}.
 *
 * <p>Without speculation each round costs a sentence and a correction. With it the upstream writes on while the
 * aligner corrects, so an answer ideally costs its sentences, the last correction, and one correction more per
 * changed sentence (whose step run ahead is dropped): rounds × sentence + correction + changed × correction.
 *
 * <p>Last line: {@code speculation p50_ratio_on_off_25pct=X on_over_ideal_25pct=Y}.
 */
public final class Speculation {

    private static final int ROUNDS = 6;
    private static final double[] CHANGED_SHARES = {0, 0.25, 0.75};

    private record Arm(double changedShare, boolean speculate) {
    }

    private Speculation() {
    }

    public static void main(String[] args) throws Exception {
        int upstreamMs = Integer.parseInt(BenchOptions.option(args, "--upstream-ms", "30"));
        int alignerMs = Integer.parseInt(BenchOptions.option(args, "--aligner-ms", "8"));
        int inFlight = Integer.parseInt(BenchOptions.option(args, "--in-flight", "16"));
        Map<String, String> kafkaOverrides = BenchOptions.kafkaOverrides(args);
        double sentenceMs = SimulatedLatencyModels.SENTENCE_TOKENS * (double) upstreamMs;
        double correctionMs = SimulatedLatencyModels.SENTENCE_TOKENS * (double) alignerMs;

        Map<Arm, Double> answerP50 = new HashMap<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            // a first arm unmeasured: the JIT's first minutes would otherwise weigh on whichever arm runs first
            measure(broker.bootstrapServers(), new Arm(0.25, true), inFlight, upstreamMs, alignerMs, kafkaOverrides);
            for (double share : CHANGED_SHARES) {
                for (boolean speculate : new boolean[]{false, true}) {
                    Arm arm = new Arm(share, speculate);
                    log(String.format(Locale.ROOT, "%.0f %% changed, speculation %s ...", share * 100,
                            speculate ? "on" : "off"));
                    answerP50.put(arm, measure(broker.bootstrapServers(), arm, inFlight, upstreamMs, alignerMs,
                            kafkaOverrides));
                }
            }
        }

        System.out.printf(Locale.ROOT, "%nthe Kafka loop (embedded broker, exactly_once_v2, in-memory wiring) over simulated "
                + "models: upstream %d ms/token, aligner %d ms/token, %d-token sentences, %d rounds per answer, %d in flight%n",
                upstreamMs, alignerMs, SimulatedLatencyModels.SENTENCE_TOKENS, ROUNDS, inFlight);
        System.out.printf(Locale.ROOT, "%9s %16s %16s %9s %20s %16s%n", "changed", "off p50 ms", "on p50 ms", "on/off",
                "ideal off / on ms", "on / ideal");
        for (double share : CHANGED_SHARES) {
            double off = answerP50.get(new Arm(share, false));
            double on = answerP50.get(new Arm(share, true));
            double idealOff = ROUNDS * (sentenceMs + correctionMs);
            double idealOn = idealOn(share, sentenceMs, correctionMs);
            System.out.printf(Locale.ROOT, "%8.0f%% %16.1f %16.1f %9.3f %10.0f / %-9.0f %16.3f%n", share * 100, off, on,
                    on / off, idealOff, idealOn, on / idealOn);
        }
        double off25 = answerP50.get(new Arm(0.25, false));
        double on25 = answerP50.get(new Arm(0.25, true));
        System.out.printf(Locale.ROOT, "speculation p50_ratio_on_off_25pct=%.3f on_over_ideal_25pct=%.3f%n", on25 / off25,
                on25 / idealOn(0.25, sentenceMs, correctionMs));
    }

    /** Rounds × sentence + the last correction + one correction per changed sentence. */
    private static double idealOn(double changedShare, double sentenceMs, double correctionMs) {
        return ROUNDS * sentenceMs + correctionMs + changedShare * ROUNDS * correctionMs;
    }

    /** A fresh application over the arm's models: a warm-up wave, then three waves measured; the answer time p50. */
    private static double measure(String servers, Arm arm, int inFlight, int upstreamMs, int alignerMs,
                                  Map<String, String> kafkaOverrides) throws Exception {
        String run = "speculation-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>(kafkaOverrides);
        settings.put(StreamAlignerConfig.BOOTSTRAP_SERVERS, servers);
        settings.put(StreamAlignerConfig.APPLICATION_ID, run);
        settings.put(StreamAlignerConfig.TOPIC_PREFIX, run + ".");
        settings.put(StreamAlignerConfig.LOOP_SPECULATE, String.valueOf(arm.speculate()));
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(settings);
        try (SimulatedLatencyModels models = new SimulatedLatencyModels(ROUNDS, Duration.ofMillis(upstreamMs),
                Duration.ofMillis(alignerMs), arm.changedShare());
             AlignmentApplication application = AlignmentApplication.start(config, models.models());
             AlignmentClient client = AlignmentClient.connect(config.kafkaProperties(), config.topicNames(),
                     Duration.ofMinutes(5))) {
            SimulatedClosedLoop loop = new SimulatedClosedLoop(client, ROUNDS, inFlight, 3 * inFlight);
            for (int i = 0; i < inFlight; i++) {
                loop.submitNext();
            }
            boolean complete = loop.measuredDone.await(5, TimeUnit.MINUTES);
            loop.stopped = true;
            if (loop.failure.get() != null || !complete) {
                throw new IllegalStateException("the arm did not finish: " + loop.failure.get());
            }
            List<Double> totals = new ArrayList<>(loop.totalMs);
            Collections.sort(totals);
            return totals.get(totals.size() / 2);
        }
    }

    private static void log(String message) {
        System.err.println("speculation: " + message);
    }
}
