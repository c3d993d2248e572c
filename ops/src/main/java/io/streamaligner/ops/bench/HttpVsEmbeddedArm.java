package io.streamaligner.ops.bench;

import com.sun.management.OperatingSystemMXBean;
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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
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

import static io.streamaligner.ops.bench.BenchStats.percentile;

/**
 * One arm of {@link HttpVsEmbedded}, in a JVM of its own: an embedded broker, and either the embedded engines or both
 * models behind {@link OpenAiServer} (what {@code serve} runs) on loopback. It runs what the parent asks on its standard
 * input, a command per line, and answers on standard output in lines that start with {@value #REPLY}:
 * <ul>
 *   <li>{@code warmup LEAST MOST}: unmeasured runs for at least LEAST seconds and then until the JIT has settled
 *       ({@link #SETTLED_COMPILING}) or MOST seconds have passed, then {@code @@ warm RUNS SECONDS COMPILING} (the
 *       median, over the last {@value #SETTLING_RUNS} runs, of the share of a run's wall time the compilers
 *       spent);</li>
 *   <li>{@code measure SEED}: one measured run over the questions of {@code SEED}, then
 *       {@code @@ result ROUND_P50_MS ANSWERS_PER_S CPU_MS_PER_ANSWER UPSTREAM_PREFILLED_PER_ANSWER
 *       UPSTREAM_CALL_P50_MS ALIGNER_CALL_P50_MS},
 *       {@code @@ threads KIND=CPU_MS_PER_ANSWER ...} ({@link ThreadCpu}) and {@code @@ answer BASE64} per prompt, in
 *       the prompts' order.</li>
 * </ul>
 * It ends when its standard input does. The arm's system (the application and a client; in the HTTP arm also the two
 * servers and their engines) starts once and serves every run, as a deployment does: started for each run, its
 * start-up code ran a few times per run and kept the JIT compiling it, run after run, through the measured ones.
 * Each run asks questions of its own, so that no run finds its prompts in the engines' prefix caches.
 *
 * <p>Why a JVM per arm: in one JVM, every switch between the arms made the JIT recompile the code both share (the
 * loop's calls turn from one generator type to the other): an HTTP run after an embedded one spent 0.7–0.8 s of
 * compiler time within its 2.5 s, against 0.15–0.33 s after another HTTP run, and the embedded arm was slowed most.
 * A deployment runs one kind.
 */
final class HttpVsEmbeddedArm {

    static final String REPLY = "@@ ";
    static final String WARMUP = "warmup ";
    static final String MEASURE = "measure ";
    /**
     * The JIT has settled once its compilers spent at most this share of a warm-up run's wall time compiling, in the
     * median of the last {@value #SETTLING_RUNS} runs (on two cores, 2026-12-04: the embedded arm's about 0.05 after
     * five minutes, the HTTP arm's then still about 0.75).
     */
    static final double SETTLED_COMPILING = 0.10;
    /**
     * How many warm-up runs the settling rule looks at: one run's share jumps (3-49 % among ten successive ones), and a
     * warm-up that stopped on one low share measured an HTTP arm whose compilers then took 14 % of the measured runs.
     */
    static final int SETTLING_RUNS = 3;
    /** Warm-up run N asks the questions of seed WARMUP_SEEDS + N; measured runs use small seeds. */
    private static final long WARMUP_SEEDS = 1_000_000;

    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private HttpVsEmbeddedArm() {
    }

    /** The child's entry point: {@code --arm embedded|http --prompts N --in-flight K [--kafka KEY=VALUE ...]}. */
    public static void main(String[] args) throws Exception {
        ResponseCompletionPool.preferCommonPool(); // as the command line does, before any CompletableFuture
        HttpVsEmbedded.Arm arm = HttpVsEmbedded.Arm.valueOf(BenchOptions.option(args, "--arm", "").toUpperCase(Locale.ROOT));
        int prompts = Integer.parseInt(BenchOptions.option(args, "--prompts", "64"));
        int inFlight = Integer.parseInt(BenchOptions.option(args, "--in-flight", "8"));
        Map<String, String> kafkaOverrides = BenchOptions.kafkaOverrides(args);
        String name = arm.name().toLowerCase(Locale.ROOT);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             Deployment deployment = arm == HttpVsEmbedded.Arm.EMBEDDED
                     ? Deployment.embedded(broker.bootstrapServers(), kafkaOverrides)
                     : Deployment.behindServe(broker.bootstrapServers(), kafkaOverrides)) {
            serveCommands(name, seed -> measure(deployment, ToyRequests.greedy(seed, prompts), inFlight));
        }
    }

    private interface Run {
        HttpVsEmbedded.Measured once(long seed) throws Exception;
    }

    private static void serveCommands(String arm, Run run) throws Exception {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        reply("ready");
        for (String command; (command = commands.readLine()) != null; ) {
            if (command.startsWith(WARMUP)) {
                String[] bounds = command.substring(WARMUP.length()).split(" ");
                warmUp(arm, run, Double.parseDouble(bounds[0]), Double.parseDouble(bounds[1]));
            } else if (command.startsWith(MEASURE)) {
                HttpVsEmbedded.Measured measured = run.once(Long.parseLong(command.substring(MEASURE.length())));
                StringBuilder answer = new StringBuilder(String.format(Locale.ROOT,
                        "%sresult %.3f %.4f %.3f %.2f %.1f %.1f%n", REPLY, measured.roundP50Ms(),
                        measured.answersPerSecond(), measured.cpuMsPerAnswer(), measured.upstreamPrefilledPerAnswer(),
                        measured.upstreamCallP50Ms(), measured.alignerCallP50Ms()));
                answer.append(REPLY).append("threads");
                measured.threadCpuMsPerAnswer().forEach((kind, ms) ->
                        answer.append(' ').append(kind).append('=').append(String.format(Locale.ROOT, "%.3f", ms)));
                answer.append('\n');
                for (String text : measured.answers()) {
                    answer.append(REPLY).append("answer ")
                            .append(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))).append('\n');
                }
                System.out.print(answer);
                System.out.flush();
            } else {
                throw new IllegalArgumentException("unknown command: " + command);
            }
        }
    }

    /** Runs unmeasured for at least {@code leastSeconds}, then until the JIT has settled or {@code mostSeconds}. */
    private static void warmUp(String arm, Run run, double leastSeconds, double mostSeconds) throws Exception {
        long start = System.nanoTime();
        long least = start + (long) (leastSeconds * 1e9);
        long most = start + (long) (mostSeconds * 1e9);
        int runs = 0;
        ArrayDeque<Double> shares = new ArrayDeque<>();
        double compiling;
        long now;
        do {
            log(arm + ": warm-up run " + (++runs) + " ...");
            long runStart = System.nanoTime();
            long jitStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            run.once(WARMUP_SEEDS + runs); // questions no measured run asks
            now = System.nanoTime();
            double share = (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitStart) * 1e6
                    / (now - runStart);
            log(String.format(Locale.ROOT, "%s: JIT compile time %.0f%% of the run's wall time", arm, 100 * share));
            shares.addLast(share);
            if (shares.size() > SETTLING_RUNS) {
                shares.removeFirst();
            }
            compiling = BenchStats.median(shares);
        } while (now < least || (shares.size() < SETTLING_RUNS || compiling > SETTLED_COMPILING) && now < most);
        reply(String.format(Locale.ROOT, "warm %d %.0f %.3f", runs, (now - start) / 1e9, compiling));
    }

    private static void reply(String line) {
        System.out.println(REPLY + line);
        System.out.flush();
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

    /**
     * The arm's running system, up for all its runs as a deployment is: the application and a client of it, and, in the
     * HTTP arm, the two servers and their engines. Closing it closes them all, the client first.
     */
    private static final class Deployment implements AutoCloseable {

        /** The engine that runs the upstream model, for its prefill count: in the application, or behind its server. */
        final OnnxTextGenerator upstreamEngine;
        final AlignmentClient client;
        /** What to close, in this order. */
        private final List<AutoCloseable> parts;

        private Deployment(OnnxTextGenerator upstreamEngine, AlignmentClient client, List<AutoCloseable> parts) {
            this.upstreamEngine = upstreamEngine;
            this.client = client;
            this.parts = parts;
        }

        static Deployment embedded(String servers, Map<String, String> kafkaOverrides) throws Exception {
            StreamAlignerConfig config = config(servers, kafkaOverrides, Map.of());
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                AlignmentApplication application = opened(opened, AlignmentApplication.start(config));
                if (!(application.models().upstream() instanceof OnnxTextGenerator engine)) {
                    throw new IllegalStateException("the upstream is not an embedded engine: "
                            + application.models().upstream());
                }
                AlignmentClient client = opened(opened, connect(config));
                return new Deployment(engine, client, reversed(opened));
            } catch (Exception | Error e) {
                closeAll(reversed(opened));
                throw e;
            }
        }

        static Deployment behindServe(String servers, Map<String, String> kafkaOverrides) throws Exception {
            StreamAlignerConfig base = config(servers, kafkaOverrides, Map.of()); // the model folders
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                OnnxTextGenerator upstreamEngine = opened(opened,
                        OnnxTextGenerator.open(base.upstream().folder(), base.engine()));
                OnnxTextGenerator alignerEngine = opened(opened,
                        OnnxTextGenerator.open(base.aligner().folder(), base.engine()));
                OpenAiServer upstreamServer = opened(opened,
                        OpenAiServer.start(ServeSettings.defaults("upstream"), upstreamEngine));
                OpenAiServer alignerServer = opened(opened,
                        OpenAiServer.start(ServeSettings.defaults("aligner"), alignerEngine));
                StreamAlignerConfig config = config(servers, kafkaOverrides, Map.of(
                        StreamAlignerConfig.UPSTREAM_URL, upstreamServer.baseUrl().toString(),
                        StreamAlignerConfig.ALIGNER_URL, alignerServer.baseUrl().toString()));
                AlignmentApplication application = opened(opened, AlignmentApplication.start(config));
                AlignmentClient client = opened(opened, connect(config));
                return new Deployment(upstreamEngine, client, reversed(opened));
            } catch (Exception | Error e) {
                closeAll(reversed(opened));
                throw e;
            }
        }

        private static AlignmentClient connect(StreamAlignerConfig config) {
            return AlignmentClient.connect(config.kafkaProperties(), config.topicNames(), Duration.ofMinutes(5));
        }

        private static <T extends AutoCloseable> T opened(List<AutoCloseable> opened, T part) {
            opened.add(part);
            return part;
        }

        private static List<AutoCloseable> reversed(List<AutoCloseable> parts) {
            List<AutoCloseable> reversed = new ArrayList<>(parts);
            Collections.reverse(reversed);
            return reversed;
        }

        private static void closeAll(List<AutoCloseable> parts) throws Exception {
            Exception first = null;
            for (AutoCloseable part : parts) {
                try {
                    part.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }

        @Override
        public void close() throws Exception {
            closeAll(parts);
        }
    }

    /** One run on the deployment: every request, {@code inFlight} at a time, each answer submitting the next. */
    private static HttpVsEmbedded.Measured measure(Deployment deployment, List<AlignmentRequest> requests, int inFlight)
            throws Exception {
        ClosedLoop loop = new ClosedLoop(deployment.client, requests, inFlight);
        long prefilledStart = deployment.upstreamEngine.statistics().prefilledTokens();
        long start = System.nanoTime();
        long cpuStart = PROCESS.getProcessCpuTime();
        Map<String, Long> threadsStart = ThreadCpu.snapshot();
        long jitStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long gcStart = gcMillis();
        List<String> answers = loop.run();
        Map<String, Long> threadsEnd = ThreadCpu.snapshot();
        double jitMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitStart;
        double gcMs = gcMillis() - gcStart;
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMs = (PROCESS.getProcessCpuTime() - cpuStart) / 1e6;
        double prefilled = deployment.upstreamEngine.statistics().prefilledTokens() - prefilledStart;
        Map<String, Double> threads = ThreadCpu.msPerAnswer(threadsStart, threadsEnd, requests.size());
        double inJavaThreads = threads.values().stream().mapToDouble(Double::doubleValue).sum();
        // the JVM's own threads (compilers, GC) are not Java threads; what they did is the rest of the process's time
        threads.put("(JVM_threads:_compilers,_GC,_...)", cpuMs / requests.size() - inJavaThreads);
        threads.put("(wall_time,_not_CPU:_JIT_compiling)", jitMs / requests.size());
        threads.put("(wall_time,_not_CPU:_GC_pauses)", gcMs / requests.size());
        return new HttpVsEmbedded.Measured(percentile(loop.roundMs, 50), requests.size() / seconds,
                cpuMs / requests.size(), prefilled / requests.size(), percentile(loop.upstreamMs, 50),
                percentile(loop.alignerMs, 50), threads, answers);
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** Keeps {@code inFlight} of the requests in flight, each answer submitting the next, until all are answered. */
    private static final class ClosedLoop {

        private final AlignmentClient client;
        private final List<AlignmentRequest> requests;
        private final int inFlight;
        private final AtomicInteger next = new AtomicInteger();
        private final String[] answers;
        private final ConcurrentLinkedQueue<Double> roundMs = new ConcurrentLinkedQueue<>();
        /** Each round's model calls, from submission to answer, as its event reports them (whole milliseconds). */
        private final ConcurrentLinkedQueue<Double> upstreamMs = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Double> alignerMs = new ConcurrentLinkedQueue<>();
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        ClosedLoop(AlignmentClient client, List<AlignmentRequest> requests, int inFlight) {
            this.client = client;
            this.requests = requests;
            this.inFlight = inFlight;
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
                    .setRequestId(requests.get(index).getRequestId() + "-" + UUID.randomUUID()).build();
            long[] last = {System.nanoTime()};
            CompletableFuture<AnswerFinal> answer = client.submit(request, new ResponseListener() {
                @Override
                public void onSentence(SentenceAligned sentence) {
                    long now = System.nanoTime();
                    roundMs.add((now - last[0]) / 1e6);
                    last[0] = now;
                    upstreamMs.add((double) sentence.getUpstreamMs());
                    alignerMs.add((double) sentence.getAlignerMs());
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
