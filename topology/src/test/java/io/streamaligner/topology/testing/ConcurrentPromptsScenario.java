package io.streamaligner.topology.testing;

import io.streamaligner.topology.Wiring;

import io.streamaligner.loop.LoopLimits;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.client.Topics;
import io.streamaligner.eval.toymath.ToyMathQuestion;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.SentenceCorrection;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.topology.config.ProcessingGuarantee;
import io.streamaligner.topology.config.StreamAlignerConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The integration scenario of the loop on a real broker: many toy arithmetic prompts at once, greedy, through
 * {@link AlignmentClient}, each request's events gathered into the {@link AlignedAnswer} the in-process loop gives,
 * so that the two can be compared as values. Limits are chosen so that a run stays short whatever the bundled
 * models currently write: a trained upstream ends its answer in four or five rounds, well inside them.
 */
public final class ConcurrentPromptsScenario {

    public static final int PROMPTS = 50;
    /** A correction cap a toy sentence never needs, so an untrained aligner stops early; the rest are the defaults. */
    public static final int MAX_CORRECTION_TOKENS = 48;
    public static final LoopLimits LIMITS = new LoopLimits(LoopLimits.DEFAULTS.maxUpstreamStepTokens(), MAX_CORRECTION_TOKENS);
    public static final int PARTITIONS = 4;
    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(5);

    private ConcurrentPromptsScenario() {
    }

    /** {@code count} greedy questions of the toy domain, ids {@code q01}, {@code q02}, … */
    public static List<AlignmentRequest> greedyToyRequests(int count) {
        List<ToyMathQuestion> questions = ToyMathQuestion.sample(2025, count);
        List<AlignmentRequest> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(AlignmentRequests.builder(String.format("q%02d", i + 1), questions.get(i).text())
                    .setGeneration(AlignmentRequests.greedy())
                    .setMaxRounds(8)
                    .setMaxTotalTokens(256)
                    .build());
        }
        return requests;
    }

    /** A configuration of its own (application id, topic prefix) on the given cluster, with the bundled models. */
    public static StreamAlignerConfig config(String bootstrapServers, ProcessingGuarantee guarantee) {
        return config(bootstrapServers, guarantee, Wiring.IN_MEMORY);
    }

    /** As {@link #config(String, ProcessingGuarantee)}, with the given wiring. */
    public static StreamAlignerConfig config(String bootstrapServers, ProcessingGuarantee guarantee, Wiring wiring) {
        return config(bootstrapServers, guarantee, wiring, Map.of());
    }

    /** As {@link #config(String, ProcessingGuarantee, Wiring)}, with more settings (e.g. the models' servers). */
    public static StreamAlignerConfig config(String bootstrapServers, ProcessingGuarantee guarantee, Wiring wiring,
                                             Map<String, String> more) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>(more);
        settings.putAll(Map.of(
                StreamAlignerConfig.BOOTSTRAP_SERVERS, bootstrapServers,
                StreamAlignerConfig.APPLICATION_ID, "it-" + run,
                StreamAlignerConfig.PROCESSING_GUARANTEE, guarantee.configValue(),
                StreamAlignerConfig.TOPIC_PREFIX, "it-" + run + ".",
                StreamAlignerConfig.TOPIC_PARTITIONS, String.valueOf(PARTITIONS),
                StreamAlignerConfig.TOPOLOGY_WIRING, wiring.configValue(),
                StreamAlignerConfig.ALIGNER_MAX_CORRECTION_TOKENS, String.valueOf(MAX_CORRECTION_TOKENS)));
        return StreamAlignerConfig.fromSettings(settings);
    }

    /** Submits every request at once and returns each one's events, as an answer, in the order of the requests. */
    public static List<AlignedAnswer> askConcurrently(StreamAlignerConfig config, List<AlignmentRequest> requests) throws Exception {
        try (AlignmentClient client = AlignmentClient.connect(config.kafkaProperties(), config.topicNames(),
                ANSWER_TIMEOUT)) {
            List<EventRecorder> recorders = new ArrayList<>();
            List<CompletableFuture<AnswerFinal>> answers = new ArrayList<>();
            for (AlignmentRequest request : requests) {
                EventRecorder recorder = new EventRecorder();
                recorders.add(recorder);
                answers.add(client.submit(request, recorder));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<AlignedAnswer> aligned = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                aligned.add(recorders.get(i).answer(answers.get(i).join()));
            }
            return aligned;
        }
    }

    /**
     * Every committed event on the topic, from its start to its end now, grouped by request id: run it after the
     * application closed, when nothing more can arrive.
     */
    public static Map<String, List<Object>> committedEventsByRequest(String bootstrapServers, String responsesTopic) {
        Topics topics = Topics.defaults();
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, AlignmentResponse>> read = new ArrayList<>();
        try (KafkaConsumer<String, AlignmentResponse> consumer = new KafkaConsumer<>(config,
                topics.responses().keySerde().deserializer(), topics.responses().valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(responsesTopic).stream()
                    .map(p -> new TopicPartition(responsesTopic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + responsesTopic + " to its end " + end);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
            }
        }
        return read.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                Collectors.mapping(record -> record.value().getEvent(), Collectors.toList())));
    }

    /** One request's events as they arrive, on the client's thread; read once its answer has completed. */
    private static final class EventRecorder implements ResponseListener {

        private final List<SentenceCorrection> sentences = Collections.synchronizedList(new ArrayList<>());
        private volatile String error;

        @Override
        public void onSentence(SentenceAligned sentence) {
            sentences.add(new SentenceCorrection(sentence.getRound(), sentence.getOriginal(), sentence.getCorrected()));
        }

        @Override
        public void onError(AlignmentError alignmentError) {
            error = alignmentError.getMessage();
        }

        AlignedAnswer answer(AnswerFinal answer) {
            return new AlignedAnswer(answer.getRequestId(), answer.getAnswer(), answer.getRounds(), answer.getFinishReason(),
                    List.copyOf(sentences), answer.getUpstreamTokens(), answer.getAlignerTokens(), Optional.ofNullable(error));
        }
    }
}
