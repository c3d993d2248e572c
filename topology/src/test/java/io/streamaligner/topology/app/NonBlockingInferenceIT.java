package io.streamaligner.topology.app;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.client.Topics;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.InProcessAlignmentLoop;
import io.streamaligner.loop.inprocess.SentenceCorrection;
import io.streamaligner.loop.testing.ScriptedAligner;
import io.streamaligner.loop.testing.TestPrompts;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.schemas.TokenDelta;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.config.ProcessingGuarantee;
import io.streamaligner.topology.config.StreamAlignerConfig;
import io.streamaligner.topology.processor.UpstreamStep;
import io.streamaligner.topology.testing.PacedUpstream;
import io.streamaligner.topology.testing.PacedUpstream.Behaviour;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.streamaligner.topology.testing.IntegrationTestUtils.consumeUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model calls that never block a stream thread ({@code InferenceStage}), on the shared embedded broker with real
 * Kafka clients and timer-driven test models ({@link PacedUpstream}, which writes on its own thread as a model
 * server would, and an echoing {@link ScriptedAligner}): the upstream's text reaches readers while it is written,
 * a call that does not come back delays no other request, a pending call survives a restart through its changelog,
 * and a call that fails or hangs ends only its own request.
 */
@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class NonBlockingInferenceIT {

    /** Upper bound for anything to arrive; every wait here ends as soon as what it waits for has happened. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * The upstream writes each sentence in five pieces 100 ms apart: a client reading upstream-tokens gets round 1's
     * first piece before the upstream has written its last, the pieces in order, all before the round's corrected
     * sentence, and together they are the sentence; a plain read_committed consumer, too, reads the step's first delta
     * committed before the step has written its last.
     */
    @Test
    @SuppressWarnings("try") // the application runs while the body talks to it through the broker
    void shouldStreamEachPieceTheUpstreamWritesBeforeTheRoundsSentence(EmbeddedKafkaBroker broker) throws Exception {
        StreamAlignerConfig config = config(broker, run(), 2, Map.of(), null);
        String first = "The first sentence is written in five pieces.";
        String second = "The second one follows it.";
        AnswerFinal answer;
        Recorder recorder = new Recorder();
        List<Arrival> consumed;
        long lastPieceWritten;
        try (PacedUpstream upstream = new PacedUpstream(5, Duration.ofMillis(100), Duration.ofMillis(40))
                .answer("live question", first, second);
             AlignmentApplication application = AlignmentApplication.start(config, models(upstream));
             DeltaWatcher watcher = DeltaWatcher.start(broker.bootstrapServers(), config.topicNames());
             AlignmentClient client = connect(config)) {
            answer = client.submit(request("live", "live question"), recorder).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            consumed = watcher.awaitEnd("live", 1, WAIT);
            lastPieceWritten = upstream.calls("live question").get(0).lastPieceWritten().get();
        }

        assertThat(answer.getFinishReason()).isEqualTo(AnswerFinishReason.UPSTREAM_END);
        assertThat(answer.getAnswer()).isEqualTo(first + " " + second);
        SentenceAligned sentence = recorder.sentence(1);
        long sentenceAt = recorder.sentenceNanos.get(1);
        List<TimedDelta> deltas = recorder.deltas(1);
        assertThat(deltas).as("round 1's deltas").hasSizeGreaterThanOrEqualTo(2);
        assertThat(deltas).extracting(d -> d.delta().getIndex()).as("indices").isSorted().doesNotHaveDuplicates();
        assertThat(deltas).allSatisfy(d -> assertThat(d.nanos()).as("arrival before the sentence").isLessThan(sentenceAt));
        assertThat(deltas.get(0).nanos()).as("the first delta read while the step still writes").isLessThan(lastPieceWritten);
        assertThat(deltas.stream().map(d -> d.delta().getText()).collect(Collectors.joining()))
                .isEqualTo(sentence.getOriginal()).isEqualTo(first);

        List<Arrival> step = consumed.stream()
                .filter(a -> a.delta().getRequestId().equals("live") && a.delta().getRound() == 1).toList();
        Arrival firstDelta = step.stream().filter(a -> a.delta().getIndex() == 0).findFirst().orElseThrow();
        Arrival end = step.stream().filter(a -> a.delta().getEnd() != null).findFirst().orElseThrow();
        assertThat(step).filteredOn(a -> a.delta().getEnd() != null).hasSize(1);
        assertThat(step).allSatisfy(a -> {
            assertThat(a.delta().getIndex()).isLessThanOrEqualTo(end.delta().getIndex());
            assertThat(a.offset()).isLessThanOrEqualTo(end.offset());
        });
        assertThat(end.delta().getText()).isEmpty();
        assertThat(firstDelta.nanos()).as("index 0 committed while the step still writes").isLessThan(lastPieceWritten);
    }

    /**
     * Every call for one question is held until the test lets it go; ten other requests submitted with it, on the
     * same single partition and stream thread, all get their finals while it is still pending, and once released it
     * completes normally.
     */
    @Test
    @SuppressWarnings("try") // the application runs while the body talks to it through the broker
    void shouldAnswerOtherRequestsWhileOneCallIsHeld(EmbeddedKafkaBroker broker) throws Exception {
        StreamAlignerConfig config = config(broker, run(), 1, Map.of(), null);
        try (PacedUpstream upstream = new PacedUpstream(3, Duration.ofMillis(5), Duration.ofMillis(5));
             AlignmentApplication application = AlignmentApplication.start(config, models(upstream));
             AlignmentClient client = connect(config)) {
            upstream.answer("held question", "The held answer starts.", "It ends late.").behave("held question", Behaviour.HOLD);
            for (int i = 1; i <= 10; i++) {
                upstream.answer("question " + i, "Answer " + i + " starts here.", "Answer " + i + " ends here.");
            }

            CompletableFuture<AnswerFinal> held = client.submit(request("held", "held question"));
            List<CompletableFuture<AnswerFinal>> others = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                others.add(client.submit(request("other-" + i, "question " + i)));
            }
            upstream.awaitCalls("held question", 1, WAIT);
            CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(held).as("the held request").isNotDone();
            assertThat(upstream.calls("held question")).hasSize(1).noneMatch(PacedUpstream.Call::cancelled);
            for (int i = 1; i <= 10; i++) {
                AnswerFinal other = others.get(i - 1).join();
                assertThat(other.getFinishReason()).isEqualTo(AnswerFinishReason.UPSTREAM_END);
                assertThat(other.getAnswer()).isEqualTo("Answer " + i + " starts here. Answer " + i + " ends here.");
            }

            upstream.release("held question");
            AnswerFinal released = held.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(released.getFinishReason()).isEqualTo(AnswerFinishReason.UPSTREAM_END);
            assertThat(released.getAnswer()).isEqualTo("The held answer starts. It ends late.");
            assertThat(upstream.calls("held question").get(0).cancelled()).as("the held call was cancelled").isFalse();
        }
    }

    /**
     * Application 1 (exactly_once_v2) submits request X's first step and its generator holds it; once the pending
     * entry is committed to its changelog, application 1 closes (cancelling the call). Application 2, same id and
     * topics but an empty state directory, restores the entry from the changelog alone and submits the same call
     * again: X gets exactly one final, equal to the uninterrupted in-process answer over the same models.
     */
    @Test
    @SuppressWarnings("try") // the application runs while the body talks to it through the broker
    void shouldResubmitAPendingCallFromTheChangelogAfterARestart(EmbeddedKafkaBroker broker, @TempDir Path state)
            throws Exception {
        String run = run();
        // a closed Streams member does not leave its group: its successor's rebalance waits out its session
        Map<String, String> quickSessions = Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000");
        StreamAlignerConfig firstConfig = config(broker, run, 1, quickSessions, state.resolve("first"));
        StreamAlignerConfig secondConfig = config(broker, run, 1, quickSessions, state.resolve("second"));
        String question = "restart question";
        String[] script = {"Step one was interrupted.", "Step two came after.", "Step three ends it."};
        AlignmentRequest request = request("x", question);
        AlignedAnswer uninterrupted;
        try (PacedUpstream reference = new PacedUpstream(3, Duration.ofMillis(5), Duration.ofMillis(5)).answer(question, script)) {
            uninterrupted = new InProcessAlignmentLoop(models(reference), LoopLimits.DEFAULTS).run(request);
        }
        assertThat(uninterrupted.finishReason()).isEqualTo(AnswerFinishReason.UPSTREAM_END);
        assertThat(uninterrupted.answer()).isEqualTo(String.join(" ", script));

        Recorder recorder = new Recorder();
        PacedUpstream.Call interrupted;
        AnswerFinal answer;
        try (PacedUpstream holding = new PacedUpstream(3, Duration.ofMillis(5), Duration.ofMillis(5))
                .answer(question, script).behave(question, Behaviour.HOLD);
             PacedUpstream answering = new PacedUpstream(3, Duration.ofMillis(5), Duration.ofMillis(5)).answer(question, script)) {
            AlignmentClient client = null;
            try {
                CompletableFuture<AnswerFinal> pending;
                try (AlignmentApplication first = AlignmentApplication.start(firstConfig, models(holding))) {
                    client = connect(firstConfig);
                    pending = client.submit(request, recorder);
                    interrupted = holding.awaitCalls(question, 1, WAIT).get(0);
                    String changelog = firstConfig.applicationId() + "-" + UpstreamStep.PENDING_STORE + "-changelog";
                    consumeUntil(broker.bootstrapServers(), changelog, new StringDeserializer(), new ByteArrayDeserializer(),
                            records -> records.stream().anyMatch(r -> "x".equals(r.key()) && r.value() != null), WAIT);
                }
                assertThat(interrupted.cancelled()).as("application 1's close cancelled its call").isTrue();
                assertThat(pending).isNotDone();
                // the prompt is consumed for good: application 2 can only learn of X's step from the changelog
                assertThat(committedOffset(broker.bootstrapServers(), firstConfig.applicationId(),
                        new TopicPartition(firstConfig.topic(Topics.PROMPTS), 0))).as("the group's offset on prompts").isEqualTo(1);

                try (AlignmentApplication second = AlignmentApplication.start(secondConfig, models(answering))) {
                    answer = pending.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                if (client != null) {
                    client.close();
                }
            }
            assertThat(holding.calls(question)).hasSize(1);
            assertThat(answering.calls(question)).isNotEmpty();
            assertThat(answering.calls(question).get(0).request()).as("application 2's round-1 call")
                    .isEqualTo(interrupted.request());
        }

        List<AlignmentResponse> committed = committedResponses(broker.bootstrapServers(), firstConfig.topicNames())
                .getOrDefault("x", List.of());
        assertThat(committed).filteredOn(r -> r.getEvent() instanceof AnswerFinal).as("finals of x").hasSize(1);
        assertThat(AlignedAnswer.fromEvents(committed)).isEqualTo(uninterrupted);
        assertThat(recorder.answer(answer)).isEqualTo(uninterrupted);
    }

    /**
     * With two attempts, a 20 ms backoff and a 400 ms call timeout: a question whose calls always fail (retryably)
     * and one whose calls never complete each end with an upstream error and an ERROR final after exactly two
     * attempts (the hanging ones cancelled), while five requests submitted with them are answered normally.
     */
    @Test
    @SuppressWarnings("try") // the application runs while the body talks to it through the broker
    void shouldEndOnlyTheRequestWhoseCallsFailOrHang(EmbeddedKafkaBroker broker) throws Exception {
        StreamAlignerConfig config = config(broker, run(), 2, Map.of(
                StreamAlignerConfig.INFERENCE_MAX_ATTEMPTS, "2",
                StreamAlignerConfig.INFERENCE_RETRY_BACKOFF_MS, "20",
                StreamAlignerConfig.INFERENCE_CALL_TIMEOUT_MS, "400"), null);
        try (PacedUpstream upstream = new PacedUpstream(2, Duration.ofMillis(5), Duration.ofMillis(5))
                .behave("fail", Behaviour.FAIL).behave("hang", Behaviour.HANG);
             AlignmentApplication application = AlignmentApplication.start(config, models(upstream));
             AlignmentClient client = connect(config)) {
            for (int i = 1; i <= 5; i++) {
                upstream.answer("question " + i, "Answer " + i + " is fine.");
            }
            Map<String, Recorder> recorders = new LinkedHashMap<>();
            Map<String, CompletableFuture<AnswerFinal>> answers = new LinkedHashMap<>();
            for (String question : List.of("fail", "hang", "question 1", "question 2", "question 3", "question 4", "question 5")) {
                Recorder recorder = new Recorder();
                recorders.put(question, recorder);
                answers.put(question, client.submit(request(question.replace(' ', '-'), question), recorder));
            }
            CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            for (String question : List.of("fail", "hang")) {
                AnswerFinal answer = answers.get(question).join();
                assertThat(answer.getFinishReason()).as(question + "'s final").isEqualTo(AnswerFinishReason.ERROR);
                assertThat(recorders.get(question).errors).as(question + "'s errors").singleElement().satisfies(error -> {
                    assertThat(error.getStage()).isEqualTo(AlignmentStage.UPSTREAM);
                    assertThat(error.getRound()).isEqualTo(1);
                });
                assertThat(upstream.calls(question)).as(question + "'s attempts").hasSize(2);
            }
            assertThat(upstream.calls("hang")).allMatch(PacedUpstream.Call::cancelled);
            for (int i = 1; i <= 5; i++) {
                AnswerFinal answer = answers.get("question " + i).join();
                assertThat(answer.getFinishReason()).isEqualTo(AnswerFinishReason.UPSTREAM_END);
                assertThat(answer.getAnswer()).isEqualTo("Answer " + i + " is fine.");
                assertThat(recorders.get("question " + i).errors).isEmpty();
            }
        }
    }

    /** The consumer group's committed offset on the partition, or -1 when it has none. */
    private static long committedOffset(String bootstrapServers, String groupId, TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS).get(partition);
            return committed == null ? -1 : committed.offset();
        }
    }

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** An application id and topic prefix of this run's own, exactly_once_v2, in-memory wiring. */
    private static StreamAlignerConfig config(EmbeddedKafkaBroker broker, String run, int partitions,
                                              Map<String, String> extra, Path dataDir) {
        Map<String, String> settings = new HashMap<>(Map.of(
                StreamAlignerConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                StreamAlignerConfig.APPLICATION_ID, "nbi-" + run,
                StreamAlignerConfig.PROCESSING_GUARANTEE, ProcessingGuarantee.EXACTLY_ONCE_V2.configValue(),
                StreamAlignerConfig.TOPIC_PREFIX, "nbi-" + run + ".",
                StreamAlignerConfig.TOPIC_PARTITIONS, String.valueOf(partitions)));
        settings.putAll(extra);
        if (dataDir != null) {
            settings.put(StreamAlignerConfig.DATA_DIR, dataDir.toString());
        }
        return StreamAlignerConfig.fromSettings(settings);
    }

    private static AlignmentModels models(PacedUpstream upstream) {
        return new AlignmentModels(upstream, TestPrompts.UPSTREAM, new ScriptedAligner(), TestPrompts.ALIGNER);
    }

    private static AlignmentClient connect(StreamAlignerConfig config) {
        return AlignmentClient.connect(config.kafkaProperties(), config.topicNames(), Duration.ofSeconds(60),
                AlignmentClient.Subscription.RESPONSES_AND_UPSTREAM_TOKENS);
    }

    private static AlignmentRequest request(String id, String question) {
        return AlignmentRequests.builder(id, question)
                .setGeneration(AlignmentRequests.greedy())
                .setMaxRounds(8)
                .setMaxTotalTokens(256)
                .build();
    }

    /** Every committed response from the topic's start to its end now, by request, in order: read it once closed. */
    private static Map<String, List<AlignmentResponse>> committedResponses(String bootstrapServers, Topics topics) {
        String topic = topics.responses().name();
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, List<AlignmentResponse>> read = new LinkedHashMap<>();
        try (KafkaConsumer<String, AlignmentResponse> consumer = new KafkaConsumer<>(config,
                topics.responses().keySerde().deserializer(), topics.responses().valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                consumer.poll(Duration.ofMillis(100))
                        .forEach(r -> read.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
            }
        }
        return read;
    }

    private record TimedDelta(TokenDelta delta, long nanos) {
    }

    /** One request's events with the time each arrived (System.nanoTime), on the client's thread. */
    private static final class Recorder implements ResponseListener {

        final List<TimedDelta> deltas = Collections.synchronizedList(new ArrayList<>());
        final Map<Integer, Long> sentenceNanos = new ConcurrentHashMap<>();
        final List<SentenceAligned> sentences = Collections.synchronizedList(new ArrayList<>());
        final List<AlignmentError> errors = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onUpstreamDelta(TokenDelta delta) {
            deltas.add(new TimedDelta(delta, System.nanoTime()));
        }

        @Override
        public void onSentence(SentenceAligned sentence) {
            sentenceNanos.putIfAbsent(sentence.getRound(), System.nanoTime());
            sentences.add(sentence);
        }

        @Override
        public void onError(AlignmentError error) {
            errors.add(error);
        }

        List<TimedDelta> deltas(int round) {
            synchronized (deltas) {
                return deltas.stream().filter(d -> d.delta().getRound() == round).toList();
            }
        }

        SentenceAligned sentence(int round) {
            synchronized (sentences) {
                return sentences.stream().filter(s -> s.getRound() == round).findFirst()
                        .orElseThrow(() -> new AssertionError("no sentence of round " + round));
            }
        }

        AlignedAnswer answer(AnswerFinal answer) {
            List<SentenceCorrection> corrections;
            synchronized (sentences) {
                corrections = sentences.stream()
                        .map(s -> new SentenceCorrection(s.getRound(), s.getOriginal(), s.getCorrected())).toList();
            }
            return new AlignedAnswer(answer.getRequestId(), answer.getAnswer(), answer.getRounds(), answer.getFinishReason(),
                    corrections, answer.getUpstreamTokens(), answer.getAlignerTokens(),
                    errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(0).getMessage()));
        }
    }

    /** A delta as a plain consumer received it: where it lies and when its poll returned. */
    private record Arrival(TokenDelta delta, int partition, long offset, long nanos) {
    }

    /**
     * A plain read_committed consumer of upstream-tokens on its own thread, assigned every partition from the start
     * and positioned before {@link #start} returns, recording when each record arrived.
     */
    private static final class DeltaWatcher implements AutoCloseable {

        private final List<Arrival> arrivals = Collections.synchronizedList(new ArrayList<>());
        private final CountDownLatch ready = new CountDownLatch(1);
        private volatile boolean running = true;
        private volatile RuntimeException failure;
        private final Thread thread;

        private DeltaWatcher(String bootstrapServers, Topics topics) {
            thread = new Thread(() -> watch(bootstrapServers, topics), "delta-watcher");
            thread.setDaemon(true);
        }

        static DeltaWatcher start(String bootstrapServers, Topics topics) throws InterruptedException {
            DeltaWatcher watcher = new DeltaWatcher(bootstrapServers, topics);
            watcher.thread.start();
            if (!watcher.ready.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the upstream-tokens consumer was not positioned within " + WAIT);
            }
            if (watcher.failure != null) {
                throw watcher.failure;
            }
            return watcher;
        }

        private void watch(String bootstrapServers, Topics topics) {
            String topic = topics.upstreamTokens().name();
            Properties config = new Properties();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            Deserializer<TokenDelta> values = topics.upstreamTokens().valueSerde().deserializer();
            try (KafkaConsumer<String, TokenDelta> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                partitions.forEach(consumer::position);
                ready.countDown();
                while (running) {
                    ConsumerRecords<String, TokenDelta> records = consumer.poll(Duration.ofMillis(10));
                    long now = System.nanoTime();
                    for (ConsumerRecord<String, TokenDelta> record : records) {
                        arrivals.add(new Arrival(record.value(), record.partition(), record.offset(), now));
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
                ready.countDown();
            }
        }

        /** Waits until the end delta of the request's round has arrived, and returns everything that arrived. */
        List<Arrival> awaitEnd(String requestId, int round, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                List<Arrival> seen;
                synchronized (arrivals) {
                    seen = List.copyOf(arrivals);
                }
                if (seen.stream().anyMatch(a -> a.delta().getRequestId().equals(requestId) && a.delta().getRound() == round
                        && a.delta().getEnd() != null)) {
                    return seen;
                }
                if (failure != null) {
                    throw failure;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no end delta of " + requestId + " round " + round + " within " + timeout
                            + "; received " + seen);
                }
                Thread.sleep(10);
            }
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
