package io.streamaligner.ops.bench;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.topology.Wiring;
import io.streamaligner.topology.app.AlignmentApplication;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.config.ProcessingGuarantee;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.streamaligner.ops.bench.BenchStats.percentile;

/**
 * What Kafka adds to one correction round of the loop, beside the floor of raw broker hops, on one embedded broker
 * in one run. Entry point of {@code ops/bench/round-overhead.sh}.
 *
 * <p><b>Round overhead</b>: with zero-latency models ({@link InstantModels}), the time from the aligner's call for
 * round k of a request to its call for round k + 1. In between lies everything the loop adds: the correction
 * forwarded to {@code feedback} (and, under exactly_once_v2, its transaction committed), the feedback hop, the
 * upstream step's batching, segmentation (two more topic hops with the TOPICS wiring), and the aligner's batching.
 * Requests run one at a time, {@code --rounds} rounds each; the first {@code --warmup} are not measured.
 *
 * <p><b>Floor</b>: a message through three topics in a chain of plain producers and consumers
 * ({@link HopLatency}), one in flight: what three produce→consume hops cost with no Streams at all. One hop is
 * shown too (the IN_MEMORY wiring crosses one topic per round, the TOPICS wiring three), and one hop with each
 * message in its own transaction, read read_committed: the hop as exactly_once_v2 makes it.
 *
 * <p>{@code --kafka KEY=VALUE} (repeatable) sets a Kafka or Streams property over the application's defaults, to
 * try a tuning, e.g. {@code --kafka commit.interval.ms=5 --kafka producer.retry.backoff.ms=5}.
 *
 * <p>The last line is {@code round_overhead_ms p50=X p99=Y floor_ms p50=Z}, for the default configuration
 * (IN_MEMORY wiring, exactly_once_v2, the application's default Streams settings).
 */
public final class RoundOverhead {

    /** Per round gap, in ms: the whole round, and its part from the aligner's call to the next upstream call. */
    private record RoundGaps(List<Double> round, List<Double> feedback) {
    }

    private record Variant(Wiring wiring, ProcessingGuarantee guarantee) {

        String label() {
            return String.format(Locale.ROOT, "%-10s %-16s", wiring.name().toLowerCase(Locale.ROOT), guarantee.configValue());
        }
    }

    private static final Variant DEFAULT = new Variant(Wiring.IN_MEMORY, ProcessingGuarantee.EXACTLY_ONCE_V2);
    private static final int HOP_WARMUP = 50;

    private RoundOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int requests = Integer.parseInt(BenchOptions.option(args, "--requests", "30"));
        int rounds = Integer.parseInt(BenchOptions.option(args, "--rounds", "16"));
        int warmup = Integer.parseInt(BenchOptions.option(args, "--warmup", "5"));
        int hopSamples = Integer.parseInt(BenchOptions.option(args, "--hop-samples", "300"));
        boolean defaultOnly = Arrays.asList(args).contains("--default-only");
        Map<String, String> kafkaOverrides = BenchOptions.kafkaOverrides(args);
        List<Variant> variants = defaultOnly ? List.of(DEFAULT) : List.of(DEFAULT,
                new Variant(Wiring.TOPICS, ProcessingGuarantee.EXACTLY_ONCE_V2),
                new Variant(Wiring.IN_MEMORY, ProcessingGuarantee.AT_LEAST_ONCE),
                new Variant(Wiring.TOPICS, ProcessingGuarantee.AT_LEAST_ONCE));

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            List<String> chain = List.of("floor-hop-1", "floor-hop-2", "floor-hop-3");
            broker.createTopics(1, chain);
            broker.createTopics(1, List.of("floor-single", "floor-transactional"));
            log("measuring raw hops ...");
            List<Double> oneHop = HopLatency.measure(servers, List.of("floor-single"), HOP_WARMUP, hopSamples);
            List<Double> threeHops = HopLatency.measure(servers, chain, HOP_WARMUP, hopSamples);
            List<Double> transactionalHop = HopLatency.measureTransactional(servers, "floor-transactional", HOP_WARMUP, hopSamples);

            List<RoundGaps> overheads = new ArrayList<>();
            for (Variant variant : variants) {
                log("measuring rounds: " + variant.label().strip() + " ...");
                overheads.add(measureRounds(servers, variant, requests, rounds, warmup, kafkaOverrides));
            }

            System.out.printf(Locale.ROOT, "%nround overhead with zero-latency models: %d requests one at a time, %d rounds each "
                    + "(%d round gaps measured per variant), %d partitions%n", requests, rounds, requests * (rounds - 1),
                    StreamAlignerConfig.DEFAULT_PARTITIONS);
            System.out.printf(Locale.ROOT, "%-27s %8s %8s %8s%n", "wiring     guarantee", "p50 ms", "p99 ms", "max ms");
            for (int i = 0; i < variants.size(); i++) {
                print(variants.get(i).label(), overheads.get(i).round());
            }
            System.out.printf(Locale.ROOT, "of which from the aligner's call to the next upstream step's call (feedback produced, "
                    + "committed, fetched, batched):%n");
            for (int i = 0; i < variants.size(); i++) {
                print(variants.get(i).label(), overheads.get(i).feedback());
            }
            System.out.printf(Locale.ROOT, "raw produce→consume hops on the same broker (acks=all, linger 0, one in flight):%n");
            print(String.format(Locale.ROOT, "%-27s", "1 hop"), oneHop);
            print(String.format(Locale.ROOT, "%-27s", "3 hops (floor)"), threeHops);
            print(String.format(Locale.ROOT, "%-27s", "1 hop, one transaction each"), transactionalHop);
            List<Double> defaults = overheads.get(0).round();
            System.out.printf(Locale.ROOT, "round_overhead_ms p50=%.1f p99=%.1f floor_ms p50=%.1f%n",
                    percentile(defaults, 50), percentile(defaults, 99), percentile(threeHops, 50));
        }
    }

    /** Gaps between consecutive aligner calls of each measured request, and their feedback parts, in milliseconds. */
    private static RoundGaps measureRounds(String servers, Variant variant, int requests, int rounds, int warmup,
                                           Map<String, String> kafkaOverrides) throws Exception {
        InstantModels instant = new InstantModels(rounds);
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>(kafkaOverrides);
        settings.put(StreamAlignerConfig.BOOTSTRAP_SERVERS, servers);
        settings.put(StreamAlignerConfig.APPLICATION_ID, run);
        settings.put(StreamAlignerConfig.PROCESSING_GUARANTEE, variant.guarantee().configValue());
        settings.put(StreamAlignerConfig.TOPIC_PREFIX, run + ".");
        settings.put(StreamAlignerConfig.TOPOLOGY_WIRING, variant.wiring().configValue());
        // the cost of the loop's hops themselves: a step run ahead would hide them (speculation.sh measures that)
        settings.put(StreamAlignerConfig.LOOP_SPECULATE, "false");
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(settings);
        List<Double> gaps = new ArrayList<>();
        List<Double> feedbackGaps = new ArrayList<>();
        try (AlignmentApplication application = AlignmentApplication.start(config, instant.models());
             AlignmentClient client = AlignmentClient.connect(config.kafkaProperties(), config.topicNames(),
                     AlignmentClient.DEFAULT_ANSWER_TIMEOUT)) {
            for (int i = 0; i < warmup + requests; i++) {
                String requestId = "request-" + i;
                AnswerFinal answer = client.submit(AlignmentRequests.builder(requestId, "Say " + rounds + " sentences.")
                        .setMaxRounds(rounds).build()).get(60, TimeUnit.SECONDS);
                if (answer.getRounds() != rounds) {
                    throw new IllegalStateException(requestId + " ended after " + answer.getRounds() + " rounds ("
                            + answer.getFinishReason() + "), expected " + rounds);
                }
                if (i >= warmup) {
                    List<Long> calls = instant.alignerCallNanos(requestId);
                    List<Long> upstreamCalls = instant.upstreamCallNanos(requestId);
                    for (int round = 1; round < calls.size(); round++) {
                        gaps.add((calls.get(round) - calls.get(round - 1)) / 1e6);
                        feedbackGaps.add((upstreamCalls.get(round) - calls.get(round - 1)) / 1e6);
                    }
                }
            }
            log("  " + threadMetrics(application));
        }
        return new RoundGaps(gaps, feedbackGaps);
    }

    /** Streams' own view of where a stream thread's time went, averaged over the busiest thread. */
    private static String threadMetrics(AlignmentApplication application) {
        Map<String, Double> busiest = new HashMap<>();
        double mostCommits = -1;
        Map<String, Map<String, Double>> byThread = new HashMap<>();
        application.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && metric.metricValue() instanceof Double value) {
                byThread.computeIfAbsent(name.tags().get("thread-id"), id -> new HashMap<>()).put(name.name(), value);
            }
        });
        for (Map<String, Double> thread : byThread.values()) {
            double commits = thread.getOrDefault("commit-total", 0.0);
            if (commits > mostCommits) {
                mostCommits = commits;
                busiest = thread;
            }
        }
        return String.format(Locale.ROOT, "busiest thread: %.0f commits, commit-latency avg %.1f ms max %.1f ms, "
                        + "poll-latency avg %.1f ms, punctuate-latency avg %.2f ms",
                busiest.getOrDefault("commit-total", 0.0), busiest.getOrDefault("commit-latency-avg", 0.0),
                busiest.getOrDefault("commit-latency-max", 0.0), busiest.getOrDefault("poll-latency-avg", 0.0),
                busiest.getOrDefault("punctuate-latency-avg", 0.0));
    }

    private static void print(String label, List<Double> millis) {
        System.out.printf(Locale.ROOT, "%s %8.1f %8.1f %8.1f   (%d samples)%n", label, percentile(millis, 50),
                percentile(millis, 99), Collections.max(millis), millis.size());
    }

    private static void log(String message) {
        System.err.println(message);
    }

    /** {@code --kafka KEY=VALUE} (repeatable): a Kafka or Streams property over the application's defaults. */
}
