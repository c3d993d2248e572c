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
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.streamaligner.ops.bench.BenchStats.countEqual;
import static io.streamaligner.ops.bench.BenchStats.median;

/**
 * What keeping a request's KV cache between its rounds saves the embedded engine: the bundled models answer the same
 * greedy toy questions through the loop ({@link InProcessAlignmentLoop}: the Kafka loop's calls without the broker,
 * which is not what is measured here), with the engines' prefix cache off and on (new engines, their cache empty, for
 * each run with it on), alternating in one run. For each it counts the prompt tokens the engines prefilled per answer
 * (both models) against the answer's own tokens, the engines' forward-pass time per round, and the process's CPU time
 * per round (forward passes, and copying the caches kept and resumed). Entry point of {@code ops/bench/prefix-reuse.sh}.
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
        List<AlignmentRequest> requests = ToyRequests.greedy(11, questions);
        Map<Boolean, List<Measured>> measured = new HashMap<>();
        long cacheBytes = StreamAlignerConfig.fromSettings(Map.of()).engine().prefixCacheBytes();
        try (LoadedModels off = open(0)) {
            Tokenizer tokenizer = engine(off.models().upstream()).tokenizer();
            run(off, requests, inFlight, tokenizer); // warm-up, both arms
            try (LoadedModels warmUp = open(cacheBytes)) {
                run(warmUp, requests, inFlight, tokenizer);
            }
            for (int repeat = 1; repeat <= repeats; repeat++) {
                for (boolean reuse : new boolean[]{false, true}) {
                    Measured run;
                    if (reuse) {
                        // each run on engines with an empty cache: the same questions again would find their whole
                        // prompts kept from the run before, which no real workload gives
                        try (LoadedModels on = open(cacheBytes)) {
                            run = run(on, requests, inFlight, tokenizer);
                        }
                    } else {
                        run = run(off, requests, inFlight, tokenizer);
                    }
                    log(String.format(Locale.ROOT, "repeat %d, reuse %s: %d prefilled, %d reused, %.1f ms forward",
                            repeat, reuse ? "on" : "off", run.prefilledTokens(), run.reusedTokens(), run.forwardMs()));
                    measured.computeIfAbsent(reuse, r -> new ArrayList<>()).add(run);
                }
            }
        }
        Measured offRun = measured.get(false).get(0);
        long equal = measured.get(true).stream().mapToLong(run -> countEqual(run.answers(), offRun.answers())).min()
                .orElse(0);
        double offRatio = (double) offRun.prefilledTokens() / offRun.answerTokens();
        double onRatio = (double) measured.get(true).get(0).prefilledTokens() / offRun.answerTokens();
        double offRoundMs = median(measured.get(false).stream().map(run -> run.forwardMs() / run.rounds()).toList());
        double onRoundMs = median(measured.get(true).stream().map(run -> run.forwardMs() / run.rounds()).toList());
        double offCpuMs = median(measured.get(false).stream().map(run -> run.cpuMs() / run.rounds()).toList());
        double onCpuMs = median(measured.get(true).stream().map(run -> run.cpuMs() / run.rounds()).toList());
        double offPasses = median(measured.get(false).stream().map(run -> (double) run.prefillPasses() / run.rounds())
                .toList());
        double onPasses = median(measured.get(true).stream().map(run -> (double) run.prefillPasses() / run.rounds())
                .toList());
        double offSteps = median(measured.get(false).stream().map(run -> (double) run.decodeSteps() / run.rounds())
                .toList());
        double onSteps = median(measured.get(true).stream().map(run -> (double) run.decodeSteps() / run.rounds())
                .toList());

        System.out.printf(Locale.ROOT, "%nthe loop without Kafka over the bundled models: %d greedy toy questions, %d in "
                + "flight, %.2f rounds per answer; engine time: medians of %d runs%n", questions, inFlight,
                (double) offRun.rounds() / questions, repeats);
        System.out.printf(Locale.ROOT, "%-14s %18s %16s %18s %18s %16s %16s %16s%n", "prefix cache",
                "prefilled/answer", "answer tokens", "prefilled÷answer", "engine ms/round", "cpu ms/round",
                "prefills/round", "decodes/round");
        System.out.printf(Locale.ROOT, "%-14s %18.1f %16.1f %18.2f %18.2f %16.2f %16.2f %16.2f%n", "off",
                (double) offRun.prefilledTokens() / questions, (double) offRun.answerTokens() / questions, offRatio,
                offRoundMs, offCpuMs, offPasses, offSteps);
        System.out.printf(Locale.ROOT, "%-14s %18.1f %16.1f %18.2f %18.2f %16.2f %16.2f %16.2f%n", "on",
                (double) measured.get(true).get(0).prefilledTokens() / questions,
                (double) offRun.answerTokens() / questions, onRatio, onRoundMs, onCpuMs, onPasses, onSteps);
        System.out.printf(Locale.ROOT, "answers equal with the cache on: %d of %d%n", equal, questions);
        System.out.printf(Locale.ROOT, "prefix_reuse prefill_ratio_off=%.2f prefill_ratio_on=%.2f round_ms_ratio_on_off=%.3f%n",
                offRatio, onRatio, onRoundMs / offRoundMs);
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
