package io.streamaligner.ops.bench;

import io.streamaligner.inference.TextGenerator;
import io.streamaligner.inference.onnx.EngineStatistics;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.inference.tokenizer.Tokenizer;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.InProcessAlignmentLoop;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.topology.app.LoadedModels;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.streamaligner.ops.bench.BenchStats.countEqual;
import static io.streamaligner.ops.bench.BenchStats.median;

/**
 * What keeping a request's KV cache between its rounds saves the embedded engine: the bundled models answer the same
 * greedy toy questions through the loop ({@link InProcessAlignmentLoop}: the Kafka loop's calls without the broker,
 * which is not what is measured here), with the engines' prefix cache off and on, alternating in one run. Both arms run
 * on warm engines, and each run asks questions no earlier run asked, so no prompt finds itself kept from an earlier
 * run (kept caches of other questions are found when they share enough tokens, as on a warm server). For each it
 * counts the prompt tokens the engines prefilled per answer (both models) against the answer's own tokens, the engines'
 * forward-pass time per round, and the process's CPU time per round (forward passes, and copying the caches kept and
 * resumed). Entry point of {@code ops/bench/prefix-reuse.sh}.
 *
 * <p>Last line: {@code prefix_reuse prefill_ratio_off=A prefill_ratio_on=B round_ms_ratio_on_off=C}.
 */
public final class PrefixReuse {

    private record Measured(long prefilledTokens, long reusedTokens, long prefillPasses, long decodeSteps,
                            double forwardMs, double cpuMs, int rounds, long answerTokens, List<String> answers) {
    }

    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private PrefixReuse() {
    }

    public static void main(String[] args) throws Exception {
        int questions = Integer.parseInt(BenchOptions.option(args, "--questions", "64"));
        int inFlight = Integer.parseInt(BenchOptions.option(args, "--in-flight", "8"));
        int repeats = Integer.parseInt(BenchOptions.option(args, "--repeats", "5"));
        // the warm-up's set, then one set per repeat: no question twice, so that no run finds its prompts kept from
        // an earlier run (which no real workload gives) while both arms run on warm engines
        List<List<AlignmentRequest>> sets = distinctSets(repeats + 1, questions);
        Map<Boolean, List<Measured>> measured = new HashMap<>();
        long cacheBytes = StreamAlignerConfig.fromSettings(Map.of()).engine().prefixCacheBytes();
        long equal = questions;
        try (LoadedModels off = open(0); LoadedModels on = open(cacheBytes)) {
            Tokenizer tokenizer = engine(off.models().upstream()).tokenizer();
            run(off, sets.get(0), inFlight, tokenizer);
            run(on, sets.get(0), inFlight, tokenizer);
            for (int repeat = 1; repeat <= repeats; repeat++) {
                // each arm first in every other repeat
                boolean offFirst = repeat % 2 == 1;
                Measured first = run(offFirst ? off : on, sets.get(repeat), inFlight, tokenizer);
                Measured second = run(offFirst ? on : off, sets.get(repeat), inFlight, tokenizer);
                Measured withoutReuse = offFirst ? first : second;
                Measured withReuse = offFirst ? second : first;
                equal = Math.min(equal, countEqual(withReuse.answers(), withoutReuse.answers()));
                for (Measured run : List.of(withoutReuse, withReuse)) {
                    boolean reuse = run == withReuse;
                    log(String.format(Locale.ROOT, "repeat %d, reuse %s: %d prefilled, %d reused, %.1f ms forward",
                            repeat, reuse ? "on" : "off", run.prefilledTokens(), run.reusedTokens(), run.forwardMs()));
                    measured.computeIfAbsent(reuse, r -> new ArrayList<>()).add(run);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nthe loop without Kafka over the bundled models: %d greedy toy questions, %d in "
                + "flight, %.2f rounds per answer; medians of %d runs, each on questions not asked before%n", questions,
                inFlight, median(measured.get(false).stream().map(run -> (double) run.rounds() / questions).toList()),
                repeats);
        System.out.printf(Locale.ROOT, "%-14s %18s %16s %18s %18s %16s %16s %16s%n", "prefix cache",
                "prefilled/answer", "answer tokens", "prefilled÷answer", "engine ms/round", "cpu ms/round",
                "prefills/round", "decodes/round");
        Map<Boolean, Double> ratio = new HashMap<>();
        Map<Boolean, Double> roundMs = new HashMap<>();
        for (boolean reuse : new boolean[]{false, true}) {
            List<Measured> runs = measured.get(reuse);
            ratio.put(reuse, median(runs.stream().map(run -> (double) run.prefilledTokens() / run.answerTokens())
                    .toList()));
            roundMs.put(reuse, median(runs.stream().map(run -> run.forwardMs() / run.rounds()).toList()));
            System.out.printf(Locale.ROOT, "%-14s %18.1f %16.1f %18.2f %18.2f %16.2f %16.2f %16.2f%n",
                    reuse ? "on" : "off",
                    median(runs.stream().map(run -> (double) run.prefilledTokens() / questions).toList()),
                    median(runs.stream().map(run -> (double) run.answerTokens() / questions).toList()),
                    ratio.get(reuse), roundMs.get(reuse),
                    median(runs.stream().map(run -> run.cpuMs() / run.rounds()).toList()),
                    median(runs.stream().map(run -> (double) run.prefillPasses() / run.rounds()).toList()),
                    median(runs.stream().map(run -> (double) run.decodeSteps() / run.rounds()).toList()));
        }
        System.out.printf(Locale.ROOT, "answers equal with the cache on: %d of %d%n", equal, questions);
        System.out.printf(Locale.ROOT, "prefix_reuse prefill_ratio_off=%.2f prefill_ratio_on=%.2f round_ms_ratio_on_off=%.3f%n",
                ratio.get(false), ratio.get(true), roundMs.get(true) / roundMs.get(false));
    }

    /** {@code count} sets of {@code size} greedy toy requests, no question in two of them (nor twice in one). */
    private static List<List<AlignmentRequest>> distinctSets(int count, int size) {
        Map<String, AlignmentRequest> distinct = new LinkedHashMap<>();
        for (long seed = 11; distinct.size() < count * size; seed++) {
            for (AlignmentRequest request : ToyRequests.greedy(seed, count * size)) {
                distinct.putIfAbsent(request.getQuestion(), request);
            }
        }
        List<AlignmentRequest> all = new ArrayList<>(distinct.values());
        List<List<AlignmentRequest>> sets = new ArrayList<>(count);
        for (int set = 0; set < count; set++) {
            List<AlignmentRequest> requests = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                requests.add(AlignmentRequest.newBuilder(all.get(set * size + i)).setRequestId("s" + set + "q" + i)
                        .build());
            }
            sets.add(requests);
        }
        return sets;
    }

    private static LoadedModels open(long prefixCacheBytes) {
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of());
        return LoadedModels.open(config.upstream().folder(), config.upstream().template(), config.aligner().folder(),
                config.aligner().template(), config.engine().withPrefixCacheBytes(prefixCacheBytes));
    }

    /** Every request, {@code inFlight} at a time (each group to its end), counting what the two engines did. */
    private static Measured run(LoadedModels loaded, List<AlignmentRequest> requests, int inFlight, Tokenizer tokenizer) {
        OnnxTextGenerator upstream = engine(loaded.models().upstream());
        OnnxTextGenerator aligner = engine(loaded.models().aligner());
        long cpuBefore = PROCESS.getProcessCpuTime();
        EngineStatistics upstreamBefore = upstream.statistics();
        EngineStatistics alignerBefore = aligner.statistics();
        InProcessAlignmentLoop loop = new InProcessAlignmentLoop(loaded.models(), LoopLimits.DEFAULTS);
        List<String> answers = new ArrayList<>();
        int rounds = 0;
        long answerTokens = 0;
        for (int from = 0; from < requests.size(); from += inFlight) {
            for (AlignedAnswer answer : loop.run(requests.subList(from, Math.min(requests.size(), from + inFlight)))) {
                answers.add(answer.answer());
                rounds += answer.rounds();
                answerTokens += tokenizer.encode(answer.answer()).length;
            }
        }
        EngineStatistics upstreamAfter = upstream.statistics();
        EngineStatistics alignerAfter = aligner.statistics();
        return new Measured(
                upstreamAfter.prefilledTokens() - upstreamBefore.prefilledTokens()
                        + alignerAfter.prefilledTokens() - alignerBefore.prefilledTokens(),
                upstreamAfter.reusedPromptTokens() - upstreamBefore.reusedPromptTokens()
                        + alignerAfter.reusedPromptTokens() - alignerBefore.reusedPromptTokens(),
                upstreamAfter.prefillPasses() - upstreamBefore.prefillPasses()
                        + alignerAfter.prefillPasses() - alignerBefore.prefillPasses(),
                upstreamAfter.decodeSteps() - upstreamBefore.decodeSteps()
                        + alignerAfter.decodeSteps() - alignerBefore.decodeSteps(),
                (upstreamAfter.forwardNanos() - upstreamBefore.forwardNanos()
                        + alignerAfter.forwardNanos() - alignerBefore.forwardNanos()) / 1e6,
                (PROCESS.getProcessCpuTime() - cpuBefore) / 1e6, rounds, answerTokens, answers);
    }

    private static OnnxTextGenerator engine(TextGenerator generator) {
        if (generator instanceof OnnxTextGenerator engine) {
            return engine;
        }
        throw new IllegalStateException("the benchmark measures the embedded engine, got " + generator);
    }

    private static void log(String message) {
        System.err.println("prefix-reuse: " + message);
    }
}
