package io.streamaligner.ops.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.onnx.EngineOptions;
import io.streamaligner.inference.onnx.OnnxTextGenerator;
import io.streamaligner.inference.template.ChatTemplate;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Decode throughput of the ONNX engine on one model folder, at several batch sizes: the same eight questions
 * of different lengths are generated in batches of {@code B} one batch after another (batch 1: one at a time),
 * greedy, exactly {@code --new-tokens} new tokens per sequence (end tokens suppressed), prefill included.
 * Prints one line per batch size, {@code engine batch=B tokens_per_s=X tokens_per_cpu_s=Y}: medians of the
 * timed repeats after warm-up, per second of wall time and per second of the process's CPU time (the latter
 * barely moves when other work shares the machine).
 *
 * <p>{@code --prompts-out FILE} writes the prompts' token ids as JSON, so the PyTorch side of
 * {@code ops/bench/engine-vs-torch.sh} feeds exactly the same tokens; {@code --texts-out FILE} writes the texts
 * generated for the largest batch, so that side can check it generated the same tokens.
 */
public final class EngineThroughput {

    static final List<String> QUESTIONS = List.of(
            "What is 7 + 5?",
            "What is 12 + 30 - 7?",
            "Tom has 14 apples and buys 9 more. How many apples does he have?",
            "What is 120 + 345?",
            "A box holds 25 pens. Sara takes 8 pens and adds 13. How many pens are in the box now?",
            "What is 99 - 45 + 3?",
            "What is 6 + 6 + 6 + 6?",
            "There are 41 birds on a tree, 17 fly away and 5 land. How many birds are on the tree?");

    /** CPU time of the whole process (JIT and GC threads included), as Python's process_time on the other side. */
    private static final OperatingSystemMXBean CPU =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private EngineThroughput() {
    }

    public static void main(String[] args) throws IOException {
        Path model = Path.of(option(args, "--model", "models/toy-math-upstream"));
        int[] batches = Arrays.stream(option(args, "--batches", "1,8").split(",")).mapToInt(Integer::parseInt).toArray();
        int newTokens = Integer.parseInt(option(args, "--new-tokens", "64"));
        int threads = Integer.parseInt(option(args, "--threads", "1"));
        int warmup = Integer.parseInt(option(args, "--warmup", "3"));
        int repeats = Integer.parseInt(option(args, "--repeats", "7"));
        String promptsOut = option(args, "--prompts-out", null);
        String textsOut = option(args, "--texts-out", null);
        int maxBatch = Arrays.stream(batches).max().orElse(1);
        if (Arrays.stream(batches).anyMatch(b -> b <= 0 || QUESTIONS.size() % b != 0)) {
            throw new IllegalArgumentException("batch sizes must divide " + QUESTIONS.size() + ": " + Arrays.toString(batches));
        }

        EngineOptions options = EngineOptions.cpu().withIntraOpThreads(threads).withMaxBatchSize(maxBatch);
        try (OnnxTextGenerator engine = OnnxTextGenerator.open(model, options)) {
            ChatTemplate template = engine.chatTemplate();
            List<String> prompts = QUESTIONS.stream().map(q -> template.upstreamPrompt("", q, "")).toList();
            if (promptsOut != null) {
                writePrompts(engine, prompts, Path.of(promptsOut));
            }
            for (int batch : batches) {
                List<List<CompletionRequest>> chunks = new ArrayList<>();
                for (int from = 0; from < prompts.size(); from += batch) {
                    List<CompletionRequest> chunk = new ArrayList<>();
                    for (int i = from; i < Math.min(from + batch, prompts.size()); i++) {
                        chunk.add(CompletionRequest.greedy("q" + i, prompts.get(i), newTokens)
                                .withMinNewTokens(newTokens));
                    }
                    chunks.add(chunk);
                }
                for (int i = 0; i < warmup; i++) {
                    chunks.forEach(engine::generate);
                }
                double[] rates = new double[repeats];
                double[] cpuRates = new double[repeats];
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < repeats; i++) {
                    texts.clear();
                    int tokens = 0;
                    long cpuStart = CPU.getProcessCpuTime();
                    long start = System.nanoTime();
                    for (List<CompletionRequest> chunk : chunks) {
                        for (Completion done : engine.generate(chunk)) {
                            tokens += done.generatedTokens();
                            texts.add(done.text());
                        }
                    }
                    rates[i] = tokens / ((System.nanoTime() - start) / 1e9);
                    cpuRates[i] = tokens / ((CPU.getProcessCpuTime() - cpuStart) / 1e9);
                }
                Arrays.sort(rates);
                Arrays.sort(cpuRates);
                System.out.printf("engine batch=%d tokens_per_s=%.1f tokens_per_cpu_s=%.1f%n", batch,
                        rates[repeats / 2], cpuRates[repeats / 2]);
                if (textsOut != null && batch == maxBatch) {
                    new ObjectMapper().writeValue(Path.of(textsOut).toFile(), texts);
                }
            }
        }
    }

    private static void writePrompts(OnnxTextGenerator engine, List<String> prompts, Path file) throws IOException {
        String rows = prompts.stream()
                .map(p -> Arrays.stream(engine.encodePrompt(p)).mapToObj(Integer::toString)
                        .collect(Collectors.joining(", ", "[", "]")))
                .collect(Collectors.joining(",\n  ", "[\n  ", "\n]\n"));
        Files.writeString(file, rows);
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
