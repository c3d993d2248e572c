package io.streamaligner.ops.bench;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.http.ResponseCompletionPool;
import io.streamaligner.inference.onnx.EngineStatistics;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.Transition;
import io.streamaligner.ops.bench.HttpVsEmbedded.Arm;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.SuffixSentence;
import io.streamaligner.server.OpenAiServer;
import io.streamaligner.server.ServeSettings;
import io.streamaligner.topology.app.LoadedModels;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.streamaligner.ops.bench.BenchStats.countEqual;
import static io.streamaligner.ops.bench.BenchStats.median;
import static io.streamaligner.ops.bench.BenchStats.percentile;

/**
 * What the HTTP backend costs per model call, without Kafka: the loop's calls ({@link AlignmentLoop}, round after
 * round, {@code --in-flight} answers at a time, each answer's calls one after another) over the bundled models, once on
 * the embedded engines and once with both models behind {@link OpenAiServer} (what {@code serve} runs) in the same
 * process, reached through the HTTP backend. It measures what {@code http-vs-embedded.sh} cannot separate from the
 * broker: the process's CPU time per answer, each call's latency, and the tokens the upstream's engine generated (a
 * server decodes on after the client has cut a sentence, until its next write fails). Arms alternate after an
 * unmeasured warm-up; medians. Entry point of {@code ops/bench/http-call-cost.sh}.
 *
 * <p>Last line: {@code http_call_cost cpu_ms_per_answer_embedded=A cpu_ms_per_answer_http=B upstream_tokens_ratio=C}.
 */
public final class HttpCallCost {

    private record Measured(double cpuMsPerAnswer, double upstreamCallP50Ms, double alignerCallP50Ms,
                            double upstreamTokensPerAnswer, List<String> answers) {
    }

    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private HttpCallCost() {
    }

    public static void main(String[] args) throws Exception {
        ResponseCompletionPool.preferCommonPool(); // as the command line does, before any CompletableFuture
        int questions = Integer.parseInt(BenchOptions.option(args, "--questions", "64"));
        int inFlight = Integer.parseInt(BenchOptions.option(args, "--in-flight", "8"));
        int repeats = Integer.parseInt(BenchOptions.option(args, "--repeats", "5"));
        double warmupSeconds = Double.parseDouble(BenchOptions.option(args, "--warmup-s", "60"));
        List<AlignmentRequest> requests = ToyRequests.greedy(7, questions); // http-vs-embedded's questions
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(Map.of());
        Map<Arm, List<Measured>> measured = new HashMap<>();
        try (OnnxTextGenerator upstreamEngine = OnnxTextGenerator.open(config.upstream().folder(), config.engine());
             OnnxTextGenerator alignerEngine = OnnxTextGenerator.open(config.aligner().folder(), config.engine());
             OpenAiServer upstreamServer = OpenAiServer.start(ServeSettings.defaults("upstream"), upstreamEngine);
             OpenAiServer alignerServer = OpenAiServer.start(ServeSettings.defaults("aligner"), alignerEngine);
             LoadedModels embedded = LoadedModels.open(config);
             LoadedModels overHttp = LoadedModels.open(StreamAlignerConfig.fromSettings(Map.of(
                     StreamAlignerConfig.UPSTREAM_URL, upstreamServer.baseUrl(),
                     StreamAlignerConfig.ALIGNER_URL, alignerServer.baseUrl())))) {
            Map<Arm, AlignmentModels> models = Map.of(Arm.EMBEDDED, embedded.models(), Arm.HTTP, overHttp.models());
            Map<Arm, OnnxTextGenerator> upstreamEngines = Map.of(Arm.EMBEDDED, (OnnxTextGenerator) embedded.upstream(),
                    Arm.HTTP, upstreamEngine);
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            while (System.nanoTime() < warmupEnd) {
                for (Arm arm : Arm.values()) {
                    run(models.get(arm), upstreamEngines.get(arm), requests, inFlight);
                }
            }
            for (int repeat = 1; repeat <= repeats; repeat++) {
                for (Arm arm : Arm.values()) {
                    Measured run = run(models.get(arm), upstreamEngines.get(arm), requests, inFlight);
                    log(String.format(Locale.ROOT, "repeat %d, %s: %.1f ms CPU per answer", repeat,
                            arm.name().toLowerCase(Locale.ROOT), run.cpuMsPerAnswer()));
                    measured.computeIfAbsent(arm, a -> new ArrayList<>()).add(run);
                }
            }
        }

        List<String> embeddedAnswers = measured.get(Arm.EMBEDDED).get(0).answers();
        long equal = measured.get(Arm.HTTP).stream().mapToLong(run -> countEqual(run.answers(), embeddedAnswers)).min()
                .orElse(0);
        System.out.printf(Locale.ROOT, "%nthe loop's model calls without Kafka, bundled models, %d greedy toy questions, "
                + "%d in flight; medians of %d runs per arm after a %.0f s warm-up%n", questions, inFlight, repeats,
                warmupSeconds);
        System.out.printf(Locale.ROOT, "%-28s %16s %18s %18s %24s%n", "models", "cpu ms/answer", "upstream call p50",
                "aligner call p50", "upstream tokens/answer");
        Map<Arm, Double> cpu = new HashMap<>();
        Map<Arm, Double> tokens = new HashMap<>();
        for (Arm arm : Arm.values()) {
            List<Measured> runs = measured.get(arm);
            cpu.put(arm, median(runs.stream().map(Measured::cpuMsPerAnswer).toList()));
            tokens.put(arm, median(runs.stream().map(Measured::upstreamTokensPerAnswer).toList()));
            System.out.printf(Locale.ROOT, "%-28s %16.1f %18.2f %18.2f %24.1f%n", arm.label, cpu.get(arm),
                    median(runs.stream().map(Measured::upstreamCallP50Ms).toList()),
                    median(runs.stream().map(Measured::alignerCallP50Ms).toList()), tokens.get(arm));
        }
        System.out.printf(Locale.ROOT, "answers equal to the embedded arm's: %d of %d%n", equal, questions);
        System.out.printf(Locale.ROOT, "http_call_cost cpu_ms_per_answer_embedded=%.1f cpu_ms_per_answer_http=%.1f "
                + "upstream_tokens_ratio=%.2f%n", cpu.get(Arm.EMBEDDED), cpu.get(Arm.HTTP),
                tokens.get(Arm.HTTP) / tokens.get(Arm.EMBEDDED));
    }

    /**
     * Every request, {@code inFlight} at a time: each slot runs an answer's rounds (its upstream step, then its
     * correction) to the end and takes the next request.
     */
    private static Measured run(AlignmentModels models, OnnxTextGenerator upstreamEngine, List<AlignmentRequest> requests,
                                int inFlight) throws Exception {
        AlignmentLoop loop = new AlignmentLoop(models, LoopLimits.DEFAULTS);
        ConcurrentLinkedQueue<Double> upstreamMs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> alignerMs = new ConcurrentLinkedQueue<>();
        ExecutorService slots = Executors.newFixedThreadPool(inFlight);
        EngineStatistics before = upstreamEngine.statistics();
        long cpuBefore = PROCESS.getProcessCpuTime();
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (AlignmentRequest request : requests) {
                answers.add(slots.submit(() -> answer(loop, models, request, upstreamMs, alignerMs)));
            }
            List<String> texts = new ArrayList<>();
            for (Future<String> answer : answers) {
                texts.add(answer.get());
            }
            double cpuMs = (PROCESS.getProcessCpuTime() - cpuBefore) / 1e6;
            long tokens = upstreamEngine.statistics().generatedTokens() - before.generatedTokens();
            return new Measured(cpuMs / requests.size(), percentile(upstreamMs, 50), percentile(alignerMs, 50),
                    (double) tokens / requests.size(), texts);
        } finally {
            slots.shutdownNow();
        }
    }

    /** One answer's rounds, each call awaited; returns the answer its final event carries. */
    private static String answer(AlignmentLoop loop, AlignmentModels models, AlignmentRequest request,
                                 ConcurrentLinkedQueue<Double> upstreamMs, ConcurrentLinkedQueue<Double> alignerMs) {
        Transition<AlignedPrefix> round = loop.admit(request.getRequestId(), request, 0);
        while (round.next().isPresent()) {
            AlignedPrefix prefix = round.next().get();
            long start = System.nanoTime();
            Completion step = models.upstream().submit(loop.upstreamCall(prefix), DeltaListener.NONE).completion().join();
            upstreamMs.add((System.nanoTime() - start) / 1e6);
            SuffixSentence sentence = loop.stepSentence(step.text(), loop.stepEnd(prefix, step));
            Transition<CompletionRequest> correction = loop.alignerCall(sentence, 0);
            if (correction.next().isEmpty()) {
                return finalAnswer(correction);
            }
            start = System.nanoTime();
            Completion corrected = models.aligner().submit(correction.next().get(), DeltaListener.NONE).completion()
                    .join();
            alignerMs.add((System.nanoTime() - start) / 1e6);
            round = loop.corrected(sentence, corrected, 0);
        }
        return finalAnswer(round);
    }

    private static String finalAnswer(Transition<?> ended) {
        return ended.answerFinal().orElseThrow(() -> new IllegalStateException("an answer ended without its final "
                + "event: " + ended.events())).getAnswer();
    }

    private static void log(String message) {
        System.err.println("http-call-cost: " + message);
    }
}
