package io.streamaligner.topology;

import io.streamaligner.client.Topic;
import io.streamaligner.client.Topics;
import io.streamaligner.loop.AlignmentLoop;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.topology.metrics.LoopMetrics;
import io.streamaligner.topology.processor.Aligner;
import io.streamaligner.topology.processor.CommitPolicy;
import io.streamaligner.topology.processor.InFlightLimit;
import io.streamaligner.topology.processor.ProcessingFailureDeadLetters;
import io.streamaligner.topology.processor.RecordDecoder;
import io.streamaligner.topology.processor.RequestIntake;
import io.streamaligner.topology.processor.Segmenter;
import io.streamaligner.topology.processor.UpstreamStep;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * The Stream Aligner loop as a Kafka Streams topology: an upstream model writes an answer one sentence per step,
 * an aligner model corrects each sentence, and the upstream continues from the corrected prefix until a stop
 * rule ends the request.
 *
 * <pre>
 * prompts ─► RequestIntake ─┐
 *                           ├─► UpstreamStep ─► Segmenter ─► Aligner ─┬─► feedback ─┐
 * feedback ─────────────────┘  (one sentence)   (per request)  (batched) └─► responses  │
 *    ▲                                                                              │
 *    └──────────────────────────────────────────────────────────────────────────────┘
 * </pre>
 * Reads {@code prompts} and {@code feedback}; writes {@code upstream-tokens}, {@code sentences}, {@code feedback},
 * {@code responses} and {@code dead-letter} (see {@link Topics}). With {@link Wiring#TOPICS} it also reads
 * {@code upstream-tokens} and {@code sentences}, each hop crossing its topic. Every source's bytes are decoded in
 * the topology, so an unreadable record goes to {@code dead-letter} (reason in headers) instead of stopping it.
 *
 * <p>{@link io.streamaligner.topology.app.AlignmentApplication} runs it (models, topics, Streams, shutdown); by hand:
 * {@code new KafkaStreams(buildTopology(topics, models, settings), streamsConfig(appId, servers))} after creating
 * the topics; the models' owner closes the generators after the application.
 */
public final class AlignmentTopology {

    public static final String PROMPTS_SOURCE = "prompts-source";
    public static final String FEEDBACK_SOURCE = "feedback-source";
    public static final String TOKENS_SOURCE = "upstream-tokens-source";
    public static final String SENTENCES_SOURCE = "sentences-source";
    public static final String PROMPTS_DECODER = "prompts-decoder";
    public static final String FEEDBACK_DECODER = "feedback-decoder";
    public static final String TOKENS_DECODER = "upstream-tokens-decoder";
    public static final String SENTENCES_DECODER = "sentences-decoder";
    public static final String REQUEST_INTAKE = "request-intake";
    public static final String UPSTREAM_STEP = "upstream-step";
    public static final String SEGMENTER = "segmenter";
    public static final String ALIGNER = "aligner";
    public static final String TOKENS_SINK = "upstream-tokens-sink";
    public static final String SENTENCES_SINK = "sentences-sink";
    public static final String FEEDBACK_SINK = "feedback-sink";
    /** Suffix of each writer's own responses / dead-letter sink: one sink per parent keeps sub-topologies apart. */
    public static final String RESPONSES_SINK_SUFFIX = "-responses-sink";
    public static final String DEAD_LETTER_SINK_SUFFIX = "-dead-letter-sink";

    /**
     * Under exactly_once_v2 a record becomes readable when its transaction commits, and every round crosses the
     * feedback topic once. The loop's own hops do not wait for this interval: the processors whose outputs are the
     * next hop through a topic request a commit as soon as they have forwarded ({@link CommitPolicy}). The
     * interval still bounds everything else (error finals of invalid requests, dead letters); 10 ms keeps that near
     * the cost of a hop, and a thread with nothing processed does not commit.
     */
    public static final int EXACTLY_ONCE_COMMIT_INTERVAL_MS = 10;

    private AlignmentTopology() {
    }

    /**
     * Builds the loop.
     *
     * @param topics   topic names and serdes ({@link Topics#defaults()} for the documented names)
     * @param models   the upstream and aligner generators and their prompt renderers
     * @param settings wiring, batching, caps and retention ({@link TopologySettings#DEFAULTS}, or the configuration's)
     */
    public static Topology buildTopology(Topics topics, AlignmentModels models, TopologySettings settings) {
        return buildTopology(topics, models, settings, LoopMetrics.none());
    }

    /**
     * Builds the loop, its processors recording into {@code metrics}.
     *
     * @param metrics the instance's meters ({@link LoopMetrics#none()} for none)
     */
    public static Topology buildTopology(Topics topics, AlignmentModels models, TopologySettings settings,
                                         LoopMetrics metrics) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(topics, "topics");
        metrics.expectDeadLetters(RecordDecoder.OWN_REASONS);
        metrics.expectDeadLetters(List.of(ProcessingFailureDeadLetters.REASON_PROCESSING_FAILED));
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(settings, "settings");
        boolean inMemory = settings.wiring() == Wiring.IN_MEMORY;
        AlignmentLoop loop = new AlignmentLoop(models, settings.limits());
        // In memory only the aligner's feedback crosses a topic the loop waits on, so only the aligner commits at once.
        CommitPolicy withinRound = inMemory ? CommitPolicy.ON_INTERVAL : CommitPolicy.WHEN_FORWARDED;
        // calls in flight per model for this instance, shared by all its tasks
        InFlightLimit upstreamCalls = new InFlightLimit(settings.inference().maxInFlight());
        InFlightLimit alignerCalls = new InFlightLimit(settings.inference().maxInFlight());
        Topology topology = new Topology();
        List<String> decoders = new ArrayList<>();

        addDecodedSource(topology, PROMPTS_SOURCE, topics.prompts(), PROMPTS_DECODER, REQUEST_INTAKE, decoders, metrics);
        addDecodedSource(topology, FEEDBACK_SOURCE, topics.feedback(), FEEDBACK_DECODER, UPSTREAM_STEP, decoders, metrics);
        topology.addProcessor(REQUEST_INTAKE, () -> new RequestIntake(loop, settings.progressRetention(), UPSTREAM_STEP,
                REQUEST_INTAKE + RESPONSES_SINK_SUFFIX, metrics), PROMPTS_DECODER);
        topology.addStateStore(RequestIntake.admittedStore(), REQUEST_INTAKE);

        // In memory, the step's deltas go straight to the segmenter as well as to their topic for observers.
        List<String> deltaChildren = inMemory ? List.of(SEGMENTER, TOKENS_SINK) : List.of(TOKENS_SINK);
        topology.addProcessor(UPSTREAM_STEP, () -> new UpstreamStep(loop, models.upstream(), settings.inference(), upstreamCalls,
                withinRound, deltaChildren, UPSTREAM_STEP + RESPONSES_SINK_SUFFIX, settings.speculate(), metrics),
                REQUEST_INTAKE, FEEDBACK_DECODER);
        topology.addStateStore(UpstreamStep.pendingStore(), UPSTREAM_STEP);

        if (inMemory) {
            topology.addProcessor(SEGMENTER, () -> new Segmenter(loop, withinRound), UPSTREAM_STEP);
        } else {
            // every hop through its topic: the segmenter and the aligner read what the step before them published
            addDecodedSource(topology, TOKENS_SOURCE, topics.upstreamTokens(), TOKENS_DECODER, SEGMENTER, decoders, metrics);
            topology.addProcessor(SEGMENTER, () -> new Segmenter(loop, withinRound), TOKENS_DECODER);
            addDecodedSource(topology, SENTENCES_SOURCE, topics.sentences(), SENTENCES_DECODER, ALIGNER, decoders, metrics);
        }
        topology.addStateStore(Segmenter.stepsStore(), SEGMENTER);

        topology.addProcessor(ALIGNER, () -> new Aligner(loop, models.aligner(), settings.inference(), alignerCalls, CommitPolicy.WHEN_FORWARDED,
                settings.progressRetention(), FEEDBACK_SINK, ALIGNER + RESPONSES_SINK_SUFFIX, metrics),
                inMemory ? SEGMENTER : SENTENCES_DECODER);
        topology.addStateStore(Aligner.pendingStore(), ALIGNER);
        topology.addStateStore(Aligner.progressStore(), ALIGNER);

        addSink(topology, TOKENS_SINK, topics.upstreamTokens(), UPSTREAM_STEP);
        addSink(topology, SENTENCES_SINK, topics.sentences(), SEGMENTER);
        addSink(topology, FEEDBACK_SINK, topics.feedback(), ALIGNER);
        for (String writer : List.of(REQUEST_INTAKE, UPSTREAM_STEP, ALIGNER)) {
            addSink(topology, writer + RESPONSES_SINK_SUFFIX, topics.responses(), writer);
        }
        for (String decoder : decoders) {
            addSink(topology, decoder + DEAD_LETTER_SINK_SUFFIX, topics.deadLetter(), decoder);
        }
        return topology;
    }

    /** Streams configuration with the loop's defaults: exactly_once_v2 and latency-tuned commits and polls. */
    public static Properties streamsConfig(String applicationId, String bootstrapServers) {
        return streamsConfig(applicationId, bootstrapServers, StreamsConfig.EXACTLY_ONCE_V2);
    }

    /**
     * @param processingGuarantee {@link StreamsConfig#EXACTLY_ONCE_V2} or {@link StreamsConfig#AT_LEAST_ONCE};
     *                            the loop's results are the same under both (the aligner drops replayed sentences)
     */
    public static Properties streamsConfig(String applicationId, String bootstrapServers, String processingGuarantee) {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(processingGuarantee) && !StreamsConfig.AT_LEAST_ONCE.equals(processingGuarantee)) {
            throw new IllegalArgumentException("processingGuarantee must be " + StreamsConfig.EXACTLY_ONCE_V2 + " or "
                    + StreamsConfig.AT_LEAST_ONCE + ", got " + processingGuarantee);
        }
        boolean exactlyOnce = StreamsConfig.EXACTLY_ONCE_V2.equals(processingGuarantee);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        // Under at_least_once output is readable as soon as it is sent; commits only bound the replay after a crash.
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, exactlyOnce ? EXACTLY_ONCE_COMMIT_INTERVAL_MS : 1000);
        // An idle poll blocks up to poll.ms and delays the inference punctuators (2 ms period): at 2 ms a round of
        // ops/bench/round-overhead.sh took 8.6-9.1 ms p50 against 9.3-10.8 ms at 5 ms, for an idle thread's ~500
        // empty polls a second.
        config.put(StreamsConfig.POLL_MS_CONFIG, 2);
        // Streams' producer lingers 100 ms by default, which at_least_once would add to every round.
        config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        // fetch.max.wait.ms stays Kafka's 500: a fetch returns as soon as a record is readable (under read_committed,
        // once its transaction's marker is written), so a long wait delays nothing; at 5 ms every idle consumer
        // fetched 200 times a second: an idle application used 43-46 % of a core, against 25-26 % at 500.
        // A task reads prompts and feedback; by default it may hold a record of one back until it knows the other's
        // position, for time order across topics that the loop does not need (a request's feedback always follows
        // it). Processing at once took ~4 ms off the first sentence of ops/bench/loop-throughput.sh.
        config.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // No global state here; opting in now is what Kafka 5.0 will default to and silences its warning.
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // A processor exception that no processor turned into its request's error events dead-letters its record
        // (to errors.dead.letter.queue.topic.name, which the application sets) instead of killing the thread.
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingFailureDeadLetters.class);
        return config;
    }

    /** A source read as bytes, and the decoder that turns them into the topic's records or routes them to dead-letter. */
    private static <V> void addDecodedSource(Topology topology, String sourceName, Topic<String, V> topic,
                                             String decoderName, String valueChild, List<String> decoders,
                                             LoopMetrics metrics) {
        topology.addSource(sourceName, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topic.name());
        topology.addProcessor(decoderName, () -> new RecordDecoder<>(topic.valueSerde().deserializer(), valueChild,
                decoderName + DEAD_LETTER_SINK_SUFFIX, metrics), sourceName);
        decoders.add(decoderName);
    }

    private static <V> void addSink(Topology topology, String sinkName, Topic<String, V> topic, String... parents) {
        topology.addSink(sinkName, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), parents);
    }
}
