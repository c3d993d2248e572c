package io.streamaligner.ops.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import static io.streamaligner.ops.bench.BenchStats.countEqual;

/**
 * What serving the models over HTTP costs the loop: the same bundled models and the same greedy toy prompts, a fixed
 * number in flight, once with both models on the embedded engine and once with both behind the project's
 * OpenAI-compatible server (what {@code serve} runs) on loopback, reached through the HTTP backend. Each arm runs in a
 * JVM of its own ({@link HttpVsEmbeddedArm}), as a deployment would, with its own embedded broker and its system
 * started once for all its runs; this program warms them up one after the other (on two cores the JIT compiles the
 * broker's, Streams' and the HTTP path's hot code for many minutes, and a measured run that overlaps it measures the
 * compiler), each for at least a set time and then until its JIT has settled, then asks them for measured runs in
 * turn, each arm first in every other repetition, and reports medians. Entry point of
 * {@code ops/bench/http-vs-embedded.sh}.
 *
 * <p>Round latency: for each answer, the time from its submission to its first sentence, then between consecutive
 * sentences, as a client sees them. Last line: {@code http_vs_embedded round_p50_ms_added=X answers_per_s_ratio=Y}.
 */
public final class HttpVsEmbedded {

    /** The two ways of running the models, and how the tables name them. */
    enum Arm {
        EMBEDDED("embedded engine"), HTTP("behind serve (HTTP, SSE)");

        final String label;

        Arm(String label) {
            this.label = label;
        }
    }

    /**
     * One measured run: round p50, throughput, the arm process's CPU time per answer (broker, loop, engines, servers),
     * the prompt tokens the upstream's engine prefilled per answer (those its prefix cache did not hold), each model
     * call's p50 as the loop reported it (from submission to answer, alike for both backends), and the CPU time per
     * answer by kind of thread.
     */
    record Measured(double roundP50Ms, double answersPerSecond, double cpuMsPerAnswer, double upstreamPrefilledPerAnswer,
                    double upstreamCallP50Ms, double alignerCallP50Ms, Map<String, Double> threadCpuMsPerAnswer,
                    List<String> answers) {
    }

    private HttpVsEmbedded() {
    }

    public static void main(String[] args) throws Exception {
        int prompts = Integer.parseInt(BenchOptions.option(args, "--prompts", "64"));
        int inFlight = Integer.parseInt(BenchOptions.option(args, "--in-flight", "8"));
        // 21: one run's round p50 moved by 20-40 ms from one repeat to the next on this shared machine (its speed
        // drifts), so that the median of 5 could not tell a few milliseconds; a run takes seconds, the warm-up minutes
        int repeats = Integer.parseInt(BenchOptions.option(args, "--repeats", "21"));
        // 300 s: after 90-120 s each, the JIT's one C2 thread was still compiling the HTTP arm's hot code through the
        // measured runs (55-107 ms of compile time per answer; 3 after 300 s), and HTTP looked 22-57 ms slower, not 4
        double warmupSeconds = Double.parseDouble(BenchOptions.option(args, "--warmup-s", "300"));
        // then on until the JIT has settled: the HTTP arm's compilers were still busy for most of a run after 300 s
        double warmupMaxSeconds = Math.max(warmupSeconds,
                Double.parseDouble(BenchOptions.option(args, "--warmup-max-s", "900")));
        List<String> armArgs = new ArrayList<>(List.of("--in-flight", String.valueOf(inFlight)));
        BenchOptions.kafkaOverrides(args).forEach((key, value) -> armArgs.addAll(List.of("--kafka", key + "=" + value)));

        Map<Arm, List<Measured>> measured = new EnumMap<>(Arm.class);
        Map<Arm, String> warmups = new EnumMap<>(Arm.class);
        try (ArmProcess embedded = ArmProcess.start(Arm.EMBEDDED, prompts, armArgs);
             ArmProcess http = ArmProcess.start(Arm.HTTP, prompts, armArgs)) {
            // one after the other: an arm warming up beside the other would leave both half compiled
            for (ArmProcess arm : List.of(embedded, http)) {
                log("warming up the " + arm.name() + " arm for " + warmupSeconds + " s, then until its JIT has "
                        + "settled (at most " + warmupMaxSeconds + " s) ...");
                warmups.put(arm.arm(), arm.warmUp(warmupSeconds, warmupMaxSeconds));
                log("  " + warmups.get(arm.arm()));
            }
            for (int repeat = 1; repeat <= repeats; repeat++) {
                // each arm first in every other repeat, so that neither always runs after the other
                for (ArmProcess arm : repeat % 2 == 1 ? List.of(embedded, http) : List.of(http, embedded)) {
                    log("repeat " + repeat + " of " + repeats + ": " + arm.name() + " ...");
                    Measured run = arm.measure(repeat); // the same questions for both arms, others in each repeat
                    log(String.format(Locale.ROOT, "  round p50 %.1f ms, %.2f answers/s, %.1f ms CPU per answer",
                            run.roundP50Ms(), run.answersPerSecond(), run.cpuMsPerAnswer()));
                    measured.computeIfAbsent(arm.arm(), a -> new ArrayList<>()).add(run);
                }
            }
        }

        // repeat r asked both arms the same questions
        long equal = prompts;
        for (int repeat = 0; repeat < repeats; repeat++) {
            equal = Math.min(equal, countEqual(measured.get(Arm.HTTP).get(repeat).answers(),
                    measured.get(Arm.EMBEDDED).get(repeat).answers()));
        }
        double embeddedRound = median(measured.get(Arm.EMBEDDED), Measured::roundP50Ms);
        double httpRound = median(measured.get(Arm.HTTP), Measured::roundP50Ms);
        double embeddedRate = median(measured.get(Arm.EMBEDDED), Measured::answersPerSecond);
        double httpRate = median(measured.get(Arm.HTTP), Measured::answersPerSecond);
        double embeddedCpu = median(measured.get(Arm.EMBEDDED), Measured::cpuMsPerAnswer);
        double httpCpu = median(measured.get(Arm.HTTP), Measured::cpuMsPerAnswer);
        double embeddedPrefilled = median(measured.get(Arm.EMBEDDED), Measured::upstreamPrefilledPerAnswer);
        double httpPrefilled = median(measured.get(Arm.HTTP), Measured::upstreamPrefilledPerAnswer);
        System.out.printf(Locale.ROOT, "%nthe Kafka loop (embedded broker, exactly_once_v2, in-memory wiring), bundled models, "
                + "%d greedy toy prompts at %d in flight, each arm in a JVM of its own; medians of %d runs per arm after "
                + "a warm-up of at least %.0f s each, then until its JIT settled (at most %.0f s)%n", prompts, inFlight,
                repeats, warmupSeconds, warmupMaxSeconds);
        warmups.values().forEach(System.out::println);
        System.out.printf(Locale.ROOT, "%-28s %14s %12s %16s %26s%n", "models", "round p50 ms", "answers/s", "CPU ms/answer",
                "upstream prefilled/answer");
        System.out.printf(Locale.ROOT, "%-28s %14.1f %12.2f %16.1f %26.1f%n", Arm.EMBEDDED.label, embeddedRound,
                embeddedRate, embeddedCpu, embeddedPrefilled);
        System.out.printf(Locale.ROOT, "%-28s %14.1f %12.2f %16.1f %26.1f%n", Arm.HTTP.label, httpRound,
                httpRate, httpCpu, httpPrefilled);
        System.out.printf(Locale.ROOT, "answers equal to the embedded arm's: %d of %d%n", equal, prompts);
        printModelCalls(measured);
        printThreads(measured);
        printPairedDifferences(measured);
        System.out.printf(Locale.ROOT, "http_vs_embedded round_p50_ms_added=%.1f answers_per_s_ratio=%.3f%n",
                httpRound - embeddedRound, httpRate / embeddedRate);
    }

    /** How much of a round is the two model calls (whole milliseconds, as the loop's events carry them). */
    private static void printModelCalls(Map<Arm, List<Measured>> measured) {
        System.out.printf(Locale.ROOT, "%n%-28s %18s %18s%n", "model call p50 ms (medians)", "upstream step",
                "correction");
        for (Arm arm : Arm.values()) {
            System.out.printf(Locale.ROOT, "%-28s %18.1f %18.1f%n", arm.label,
                    median(measured.get(arm), Measured::upstreamCallP50Ms),
                    median(measured.get(arm), Measured::alignerCallP50Ms));
        }
    }

    /** Where each arm's CPU time goes: medians per kind of thread, the kinds above half a millisecond in either arm. */
    private static void printThreads(Map<Arm, List<Measured>> measured) {
        Set<String> kinds = new HashSet<>();
        measured.values().forEach(runs -> runs.forEach(run -> kinds.addAll(run.threadCpuMsPerAnswer().keySet())));
        Map<String, Double> embedded = mediansByKind(measured.get(Arm.EMBEDDED), kinds);
        Map<String, Double> http = mediansByKind(measured.get(Arm.HTTP), kinds);
        System.out.printf(Locale.ROOT, "%nCPU ms per answer by kind of thread (medians; APP: the run's application id)%n");
        System.out.printf(Locale.ROOT, "%-60s %9s %9s %9s%n", "threads", "embedded", "HTTP", "added");
        kinds.stream()
                .filter(kind -> embedded.get(kind) >= 0.5 || http.get(kind) >= 0.5)
                .sorted(Comparator.comparingDouble(kind -> -(embedded.get(kind) + http.get(kind))))
                .forEach(kind -> System.out.printf(Locale.ROOT, "%-60s %9.2f %9.2f %+9.2f%n",
                        kind.length() > 60 ? kind.substring(0, 57) + "..." : kind, embedded.get(kind), http.get(kind),
                        http.get(kind) - embedded.get(kind)));
    }

    /**
     * How far apart the arms' round p50s are within each repeat, whose two runs came one right after the other: the
     * spread says how much of the medians' difference the machine's drifting speed may account for.
     */
    private static void printPairedDifferences(Map<Arm, List<Measured>> measured) {
        List<Measured> http = measured.get(Arm.HTTP);
        List<Measured> embedded = measured.get(Arm.EMBEDDED);
        List<Double> added = new ArrayList<>();
        for (int repeat = 0; repeat < http.size(); repeat++) {
            added.add(http.get(repeat).roundP50Ms() - embedded.get(repeat).roundP50Ms());
        }
        System.out.printf(Locale.ROOT, "%nround p50 added by HTTP within each repeat: median %.1f ms, quartiles %.1f "
                + "to %.1f, range %.1f to %.1f (%d repeats)%n", BenchStats.median(added),
                BenchStats.percentile(added, 25), BenchStats.percentile(added, 75), BenchStats.percentile(added, 0),
                BenchStats.percentile(added, 100), added.size());
    }

    /** The median of one figure over an arm's runs. */
    private static double median(List<Measured> runs, ToDoubleFunction<Measured> figure) {
        return BenchStats.median(runs.stream().map(figure::applyAsDouble).toList());
    }

    private static Map<String, Double> mediansByKind(List<Measured> runs, Set<String> kinds) {
        Map<String, Double> medians = new HashMap<>();
        for (String kind : kinds) {
            medians.put(kind, median(runs, run -> run.threadCpuMsPerAnswer().getOrDefault(kind, 0.0)));
        }
        return medians;
    }

    /**
     * The parent's handle on one arm's JVM: started with this JVM's class path, spoken to through its standard input
     * and output ({@link HttpVsEmbeddedArm}); its other output lines and its standard error go to this one's standard
     * error. Closing it closes the arm's input, which ends it.
     */
    private static final class ArmProcess implements AutoCloseable {

        private static final String END = "end of output";

        private final Arm arm;
        /** How many answers each measured run sends back. */
        private final int prompts;
        private final Process process;
        private final Writer commands;
        private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

        private ArmProcess(Arm arm, int prompts, Process process) {
            this.arm = arm;
            this.prompts = prompts;
            this.process = process;
            this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(this::readOutput, "http-vs-embedded-" + name());
            reader.setDaemon(true);
            reader.start();
        }

        static ArmProcess start(Arm arm, int prompts, List<String> armArgs) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"),
                    HttpVsEmbeddedArm.class.getName(),
                    "--arm", arm.name().toLowerCase(Locale.ROOT)));
            command.addAll(List.of("--prompts", String.valueOf(prompts)));
            command.addAll(armArgs);
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            ArmProcess started = new ArmProcess(arm, prompts, process);
            started.expect("ready");
            return started;
        }

        Arm arm() {
            return arm;
        }

        String name() {
            return arm.name().toLowerCase(Locale.ROOT);
        }

        /** Warms the arm up; says how long, and whether its JIT settled. */
        String warmUp(double leastSeconds, double mostSeconds) throws IOException, InterruptedException {
            send(HttpVsEmbeddedArm.WARMUP + leastSeconds + " " + mostSeconds);
            String[] warm = expect("warm ").split(" ");
            double compiling = Double.parseDouble(warm[3]);
            return String.format(Locale.ROOT, "%s: %s warm-up runs in %s s, JIT compile time %.0f%% of a run's wall "
                    + "time in the median of the last %d%s", name(), warm[1], warm[2], 100 * compiling,
                    Math.min(Integer.parseInt(warm[1]), HttpVsEmbeddedArm.SETTLING_RUNS),
                    compiling > HttpVsEmbeddedArm.SETTLED_COMPILING ? " (not settled)" : "");
        }

        Measured measure(long seed) throws IOException, InterruptedException {
            send(HttpVsEmbeddedArm.MEASURE + seed);
            String[] result = expect("result ").split(" ");
            Map<String, Double> threads = new HashMap<>();
            String[] kinds = expect("threads").split(" ");
            for (int i = 1; i < kinds.length; i++) {
                int equals = kinds[i].lastIndexOf('=');
                threads.put(kinds[i].substring(0, equals), Double.parseDouble(kinds[i].substring(equals + 1)));
            }
            List<String> answers = new ArrayList<>();
            while (answers.size() < prompts) {
                String encoded = expect("answer ").substring("answer ".length());
                answers.add(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
            }
            return new Measured(Double.parseDouble(result[1]), Double.parseDouble(result[2]),
                    Double.parseDouble(result[3]), Double.parseDouble(result[4]), Double.parseDouble(result[5]),
                    Double.parseDouble(result[6]), threads, answers);
        }

        private void send(String command) throws IOException {
            commands.write(command + "\n");
            commands.flush();
        }

        /** The next reply, which must start with {@code prefix}; fails when the arm's process ended instead. */
        private String expect(String prefix) throws InterruptedException {
            String reply = replies.take();
            if (reply.equals(END)) {
                replies.add(END);
                throw new IllegalStateException("the " + name() + " arm's process ended" + exitCode() + " (its output "
                        + "is above)");
            }
            if (!reply.startsWith(prefix)) {
                throw new IllegalStateException("the " + name() + " arm answered '" + reply + "', expected " + prefix);
            }
            return reply;
        }

        private String exitCode() throws InterruptedException {
            return process.waitFor(10, TimeUnit.SECONDS) ? " with exit code " + process.exitValue() : "";
        }

        private void readOutput() {
            try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = output.readLine()) != null; ) {
                    if (line.startsWith(HttpVsEmbeddedArm.REPLY)) {
                        replies.add(line.substring(HttpVsEmbeddedArm.REPLY.length()));
                    } else {
                        System.err.println(line);
                    }
                }
            } catch (IOException e) {
                System.err.println("http-vs-embedded: reading the " + name() + " arm's output failed: " + e);
            } finally {
                replies.add(END);
            }
        }

        @Override
        public void close() throws InterruptedException {
            try {
                commands.close();
            } catch (IOException ignored) {
                // the process has gone already
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void log(String message) {
        System.err.println("http-vs-embedded: " + message);
    }
}
