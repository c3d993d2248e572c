package io.streamaligner.ops.faults;

import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.Topics;
import io.streamaligner.eval.toymath.ToyMathQuestion;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.topology.app.TopicCreator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A run of several {@code run} instances, each a process of its own from the runnable jar, on one Kafka cluster:
 * greedy toy questions submitted at once, a {@link Fault} injected once a number of them are answered, then every
 * answer awaited and the run judged on {@code responses} ({@link ResponseLedger}): every request exactly one final,
 * no sentence twice or after its final, and how long the stalled partitions took to answer again.
 *
 * <p>The recovery time is from the fault to the moment every partition it stalled that still had requests under way
 * has written a response event again: for a killed instance, the last of its partitions to be served again.
 */
public final class FaultRun {

    /** How a run is set up. */
    public record Setup(Path jar, Path workDir, int instances, int partitions, int requests, int faultAfterFinals,
                        List<String> settings, Duration answersTimeout) {

        public Setup {
            settings = List.copyOf(settings);
            if (instances < 1 || partitions < 1 || requests < 1 || faultAfterFinals < 0 || faultAfterFinals >= requests) {
                throw new IllegalArgumentException("instances, partitions and requests must be positive and the fault"
                        + " must come before the last answer");
            }
        }
    }

    /**
     * What a run showed.
     *
     * @param instancesStayedUp every instance the fault left running served to the end and stopped cleanly on SIGTERM
     */
    public record Outcome(String fault, int requests, int finals, int duplicates, Set<Integer> stalledPartitions,
                          Map<Integer, Double> recoveryByPartition, Optional<Double> recoverySeconds,
                          Map<String, String> answers, Map<String, String> errors, boolean instancesStayedUp) {

        /** The line the fault programs print. */
        public String line(String program) {
            return program + " finals=" + finals + "/" + requests + " duplicates=" + duplicates + " recovery_s="
                    + recoverySeconds.map(seconds -> String.format("%.1f", seconds)).orElse("n/a");
        }
    }

    private FaultRun() {
    }

    /** {@code count} greedy toy questions under ids unique to this run. */
    public static List<AlignmentRequest> greedyToyRequests(String runId, int count) {
        List<ToyMathQuestion> questions = ToyMathQuestion.sample(2025, count);
        List<AlignmentRequest> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(AlignmentRequests.builder(String.format("%s-q%03d", runId, i + 1), questions.get(i).text())
                    .setGeneration(AlignmentRequests.greedy())
                    .setMaxRounds(8)
                    .setMaxTotalTokens(256)
                    .build());
        }
        return requests;
    }

    /**
     * Starts the instances on {@code bootstrapServers}, submits the requests, injects the fault after
     * {@link Setup#faultAfterFinals()} finals, waits for the rest and stops the instances with SIGTERM.
     */
    public static Outcome run(String bootstrapServers, Setup setup, Fault fault) throws Exception {
        String runId = "f" + UUID.randomUUID().toString().substring(0, 6);
        Topics topics = Topics.withPrefix(runId + ".");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            TopicCreator.createMissing(admin, topics, setup.partitions(), Duration.ofMinutes(1));
        }
        List<String> settings = new ArrayList<>(List.of("application.id=" + runId, "streamaligner.topic.prefix=" + runId + ".",
                "streamaligner.topic.partitions=" + setup.partitions()));
        settings.addAll(setup.settings());
        List<ApplicationProcess> instances = new ArrayList<>();
        try {
            for (int i = 0; i < setup.instances(); i++) {
                String name = runId + "-instance-" + i;
                instances.add(ApplicationProcess.start(setup.jar(), name, bootstrapServers,
                        setup.workDir().resolve(name), settings, setup.workDir()));
            }
            for (ApplicationProcess instance : instances) {
                instance.awaitRunning(Fault.RESTART_TIMEOUT);
            }
            awaitAllPartitionsServed(instances, setup.partitions());
            List<AlignmentRequest> requests = greedyToyRequests(runId, setup.requests());
            Set<String> ids = requests.stream().map(AlignmentRequest::getRequestId).collect(Collectors.toCollection(LinkedHashSet::new));
            try (ResponseLedger ledger = ResponseLedger.start(bootstrapServers, topics)) {
                submit(bootstrapServers, topics, requests);
                if (!ledger.awaitFinals(setup.faultAfterFinals(), setup.answersTimeout())) {
                    throw new IllegalStateException("only " + ledger.finalsCount() + " answers before the fault");
                }
                long faultNanos = System.nanoTime();
                Set<Integer> stalled = fault.inject(instances);
                long injectedNanos = System.nanoTime();
                List<ApplicationProcess> upAfterFault = instances.stream().filter(ApplicationProcess::isAlive).toList();
                Set<String> underWay = ledger.unfinishedAt(ids, injectedNanos);
                ledger.awaitFinals(requests.size(), setup.answersTimeout());
                Map<Integer, Double> byPartition = new TreeMap<>();
                for (int partition : stalled) {
                    boolean hadWork = underWay.stream().anyMatch(id -> partitionOf(id, setup.partitions()) == partition);
                    if (hadWork) {
                        ledger.firstArrivalAfter(partition, injectedNanos).ifPresent(
                                at -> byPartition.put(partition, (at - faultNanos) / 1e9));
                    }
                }
                Optional<Double> recovery = byPartition.values().stream().max(Double::compare);
                Map<String, String> answers = new TreeMap<>();
                ledger.finals().forEach((id, answer) -> answers.put(id, answer.getAnswer() + " [" + answer.getFinishReason() + "]"));
                // every instance the fault left running (a restarted one included) still serves, and stops cleanly
                boolean stayedUp = upAfterFault.stream().allMatch(ApplicationProcess::isAlive);
                for (ApplicationProcess instance : upAfterFault) {
                    stayedUp &= instance.stop(Duration.ofSeconds(60));
                }
                return new Outcome(fault.name(), requests.size(), ledger.finalsCount(), ledger.duplicates(),
                        new TreeSet<>(stalled), byPartition, recovery, answers, ledger.errors(), stayedUp);
            }
        } finally {
            for (ApplicationProcess instance : instances) {
                if (instance.isAlive()) {
                    try {
                        instance.stop(Duration.ofSeconds(60));
                    } catch (RuntimeException e) {
                        instance.close();
                    }
                } else {
                    instance.close();
                }
            }
        }
    }

    /** The partition a request's records go to: Kafka's default partitioner for its key. */
    public static int partitionOf(String requestId, int partitions) {
        return Utils.toPositive(Utils.murmur2(requestId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Waits until the instances' tasks cover every partition between them, each instance with some. */
    private static void awaitAllPartitionsServed(List<ApplicationProcess> instances, int partitions) throws InterruptedException {
        long deadline = System.nanoTime() + Fault.RESTART_TIMEOUT.toNanos();
        while (true) {
            Set<Integer> served = new TreeSet<>();
            boolean eachHasSome = true;
            for (ApplicationProcess instance : instances) {
                Set<Integer> own = instance.activePartitions();
                eachHasSome &= !own.isEmpty() || instances.size() > partitions;
                served.addAll(own);
            }
            if (served.size() == partitions && eachHasSome) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the instances do not share the " + partitions + " partitions: " + served);
            }
            Thread.sleep(200);
        }
    }

    private static void submit(String bootstrapServers, Topics topics, List<AlignmentRequest> requests) {
        try (KafkaProducer<String, AlignmentRequest> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0), topics.prompts().keySerde().serializer(), topics.prompts().valueSerde().serializer())) {
            for (AlignmentRequest request : requests) {
                producer.send(new ProducerRecord<>(topics.prompts().name(), request.getRequestId(), request));
            }
            producer.flush();
        }
    }
}
