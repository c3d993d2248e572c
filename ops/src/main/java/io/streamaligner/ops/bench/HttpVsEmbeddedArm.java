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
import java.util.Base64;
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
import java.util.function.Function;

import static io.streamaligner.ops.bench.BenchStats.percentile;

/**
 * One arm of {@link HttpVsEmbedded}, in a JVM of its own: an embedded broker, and either the embedded engines or both
 * models behind {@link OpenAiServer} (what {@code serve} runs) on loopback. It runs what the parent asks on its standard
 * input, a command per line, and answers on standard output in lines that start with {@value #REPLY}:
 * <ul>
 *   <li>{@code warmup SECONDS}: unmeasured runs until the time is up, then {@code @@ warm RUNS};</li>
 *   <li>{@code measure}: one measured run, then
 *       {@code @@ result ROUND_P50_MS ANSWERS_PER_S CPU_MS_PER_ANSWER UPSTREAM_PREFILLED_PER_ANSWER},
 *       {@code @@ threads KIND=CPU_MS_PER_ANSWER ...} ({@link ThreadCpu}) and {@code @@ answer BASE64} per prompt, in
 *       the prompts' order.</li>
 * </ul>
 * It ends when its standard input does. Each run is a fresh application on topics of its own (behind fresh servers
 * in the HTTP arm).
 *
 * <p>Why a JVM per arm: in one JVM, every switch between the arms made the JIT recompile the code both share (the
 * loop's calls turn from one generator type to the other): an HTTP run after an embedded one spent 0.7–0.8 s of
 * compiler time within its 2.5 s, against 0.15–0.33 s after another HTTP run, and the embedded arm was slowed most.
 * A deployment runs one kind.
 */
final class HttpVsEmbeddedArm {

    static final String REPLY = "@@ ";
    static final String WARMUP = "warmup ";
    static final String MEASURE = "measure";

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
        List<AlignmentRequest> requests = ToyRequests.greedy(7, prompts);
        String name = arm.name().toLowerCase(Locale.ROOT);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String servers = broker.bootstrapServers();
            serveCommands(name, arm == HttpVsEmbedded.Arm.EMBEDDED
                    ? () -> measure(config(servers, kafkaOverrides, Map.of()), requests, inFlight,
                            HttpVsEmbeddedArm::upstreamEngine)
                    : () -> measureBehindServe(servers, kafkaOverrides, requests, inFlight));
        }
    }

    /**
     * A run with both models behind {@link OpenAiServer}s opened for it alone, as the embedded arm's application opens
     * its engines for each run: engines kept across runs would hold every earlier run's answers to the same prompts in
     * their prefix caches, which the embedded arm's never do.
     */
    private static HttpVsEmbedded.Measured measureBehindServe(String servers, Map<String, String> kafkaOverrides,
                                                              List<AlignmentRequest> requests, int inFlight)
            throws Exception {
        StreamAlignerConfig base = config(servers, kafkaOverrides, Map.of()); // the model folders
        try (OnnxTextGenerator upstreamEngine = OnnxTextGenerator.open(base.upstream().folder(), base.engine());
             OnnxTextGenerator alignerEngine = OnnxTextGenerator.open(base.aligner().folder(), base.engine());
             OpenAiServer upstreamServer = OpenAiServer.start(ServeSettings.defaults("upstream"), upstreamEngine);
             OpenAiServer alignerServer = OpenAiServer.start(ServeSettings.defaults("aligner"), alignerEngine)) {
            return measure(config(servers, kafkaOverrides, Map.of(
                    StreamAlignerConfig.UPSTREAM_URL, upstreamServer.baseUrl().toString(),
                    StreamAlignerConfig.ALIGNER_URL, alignerServer.baseUrl().toString())), requests, inFlight,
                    application -> upstreamEngine);
        }
    }

    private interface Run {
        HttpVsEmbedded.Measured once() throws Exception;
    }

    private static void serveCommands(String arm, Run run) throws Exception {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        reply("ready");
        for (String command; (command = commands.readLine()) != null; ) {
            if (command.startsWith(WARMUP)) {
                long end = System.nanoTime() + (long) (Double.parseDouble(command.substring(WARMUP.length())) * 1e9);
                int runs = 0;
                do {
                    log(arm + ": warm-up run " + (++runs) + " ...");
                    run.once();
                } while (System.nanoTime() < end);
                reply("warm " + runs);
            } else if (command.equals(MEASURE)) {
                HttpVsEmbedded.Measured measured = run.once();
                StringBuilder answer = new StringBuilder(String.format(Locale.ROOT, "%sresult %.3f %.4f %.3f %.2f%n",
                        REPLY, measured.roundP50Ms(), measured.answersPerSecond(), measured.cpuMsPerAnswer(),
                        measured.upstreamPrefilledPerAnswer()));
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
     * A fresh application over the configured models: a warm-up wave, then every request, {@code inFlight} at a time.
     *
     * @param upstreamEngine where the upstream's engine runs: in the application, or behind its server
     */
    private static HttpVsEmbedded.Measured measure(StreamAlignerConfig config, List<AlignmentRequest> requests, int inFlight,
                                                   Function<AlignmentApplication, OnnxTextGenerator> upstreamEngine)
            throws Exception {
        try (AlignmentApplication application = AlignmentApplication.start(config);
             AlignmentClient client = AlignmentClient.connect(config.kafkaProperties(), config.topicNames(), Duration.ofMinutes(5))) {
            List<AlignmentRequest> warmup = requests.subList(0, Math.min(requests.size(), inFlight));
            new ClosedLoop(client, warmup, inFlight, "warmup-").run();
            ClosedLoop loop = new ClosedLoop(client, requests, inFlight, "");
            OnnxTextGenerator upstream = upstreamEngine.apply(application);
            long prefilledStart = upstream.statistics().prefilledTokens();
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
            double prefilled = upstream.statistics().prefilledTokens() - prefilledStart;
            Map<String, Double> threads = ThreadCpu.msPerAnswer(threadsStart, threadsEnd, requests.size());
            double inJavaThreads = threads.values().stream().mapToDouble(Double::doubleValue).sum();
            // the JVM's own threads (compilers, GC) are not Java threads; what they did is the rest of the process's time
            threads.put("(JVM_threads:_compilers,_GC,_...)", cpuMs / requests.size() - inJavaThreads);
            threads.put("(wall_time,_not_CPU:_JIT_compiling)", jitMs / requests.size());
            threads.put("(wall_time,_not_CPU:_GC_pauses)", gcMs / requests.size());
            return new HttpVsEmbedded.Measured(percentile(loop.roundMs, 50), requests.size() / seconds,
                    cpuMs / requests.size(), prefilled / requests.size(), threads, answers);
        }
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** The embedded arm's upstream engine, inside its application. */
    private static OnnxTextGenerator upstreamEngine(AlignmentApplication application) {
        if (application.models().upstream() instanceof OnnxTextGenerator engine) {
            return engine;
        }
        throw new IllegalStateException("the upstream is not an embedded engine: " + application.models().upstream());
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
