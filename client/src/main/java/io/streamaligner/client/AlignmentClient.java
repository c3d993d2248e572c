package io.streamaligner.client;

import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.schemas.TokenDelta;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the running application questions over Kafka: produces {@link AlignmentRequest}s to {@code prompts}
 * (key = request id) and reads {@code responses}, handing each request's events to its {@link ResponseListener}
 * as they arrive and completing its future with the final event.
 *
 * <p>The responses consumer reads {@code read_committed} (so a request's events are seen once, only after the
 * application committed them) with every partition assigned by hand, no consumer group, positioned at the end
 * before {@link #connect} returns: every event of a request submitted afterwards lies after that position, so
 * none is missed. Thread-safe: any number of threads may submit concurrently; listeners run on the client's one
 * consumer thread.
 *
 * <p>With {@link Subscription#RESPONSES_AND_UPSTREAM_TOKENS} the same consumer also reads {@code upstream-tokens},
 * and each request's listener gets the upstream's provisional text as it is written
 * ({@link ResponseListener#onUpstreamDelta}): once per round and index (a step re-run after a crash writes its
 * deltas again), none of a round whose corrected sentence has arrived, and none marked speculative (a step run ahead
 * of the aligner writes its deltas again unmarked once the loop takes it).
 *
 * <pre>{@code
 * try (AlignmentClient client = AlignmentClient.connect(config)) {
 *     AnswerFinal answer = client.submit(AlignmentRequests.builder("What is 3 + 4 - 2?").build(), new ResponseListener() {
 *         public void onSentence(SentenceAligned s) { System.out.println(s.getOriginal() + " -> " + s.getCorrected()); }
 *     }).join();
 * }
 * }</pre>
 * Partitions added to {@code responses} after connecting are not read.
 */
public final class AlignmentClient implements AutoCloseable {

    /** How long a request may take, from submit to its final event, unless the client is given another. */
    public static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofMinutes(5);
    /** How long {@link #connect} waits for the responses topic to exist (the application creates it). */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(AlignmentClient.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Client settings a shared configuration may hold that would break this consumer (it uses no group). */
    private static final Set<String> GROUP_SETTINGS = Set.of(ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);

    /** What the client reads besides the answers. */
    public enum Subscription {
        /** {@code responses} only: sentences, errors and finals. */
        RESPONSES,
        /** {@code responses} and {@code upstream-tokens}: also the upstream's text as it is written (one record per piece). */
        RESPONSES_AND_UPSTREAM_TOKENS
    }

    private final Topics topics;
    private final Duration answerTimeout;
    private final KafkaProducer<String, AlignmentRequest> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<AlignmentResponse> responses;
    private final Deserializer<TokenDelta> upstreamTokens;
    private final Map<String, PendingRequest> pending = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timeouts;
    private final Thread consumerThread;
    private volatile boolean running = true;
    private boolean closed;

    private AlignmentClient(Topics topics, Duration answerTimeout, KafkaProducer<String, AlignmentRequest> producer,
                            KafkaConsumer<byte[], byte[]> consumer) {
        this.topics = topics;
        this.answerTimeout = answerTimeout;
        this.producer = producer;
        this.consumer = consumer;
        this.responses = topics.responses().valueSerde().deserializer();
        this.upstreamTokens = topics.upstreamTokens().valueSerde().deserializer();
        this.timeouts = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "alignment-client-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        timeouts.setRemoveOnCancelPolicy(true);
        this.consumerThread = new Thread(this::consumeResponses, "alignment-client-responses");
        consumerThread.setDaemon(true);
    }

    /** Connects to the cluster at {@code bootstrapServers}, to topics named {@code topics}. */
    public static AlignmentClient connect(String bootstrapServers, Topics topics) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        return connect(properties, topics, DEFAULT_ANSWER_TIMEOUT);
    }

    /**
     * Connects and positions the responses consumer at the end of every partition; returns once it is there.
     *
     * @param kafkaProperties Kafka client properties ({@code bootstrap.servers}, security, …); properties that are
     *                        not producer or consumer settings are ignored, as are consumer-group settings
     * @param topics          the loop's topic names
     * @param answerTimeout   how long each submitted request may take before its future fails with a
     *                        {@link TimeoutException}
     * @throws AlignmentClientException if the responses topic does not exist within {@link #CONNECT_TIMEOUT}
     */
    public static AlignmentClient connect(Properties kafkaProperties, Topics topics, Duration answerTimeout) {
        return connect(kafkaProperties, topics, answerTimeout, Subscription.RESPONSES);
    }

    /**
     * As {@link #connect(Properties, Topics, Duration)}, reading what {@code subscription} says.
     *
     * @throws AlignmentClientException if a topic it reads does not exist within {@link #CONNECT_TIMEOUT}
     */
    public static AlignmentClient connect(Properties kafkaProperties, Topics topics, Duration answerTimeout,
                                          Subscription subscription) {
        Objects.requireNonNull(kafkaProperties, "kafkaProperties");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(answerTimeout, "answerTimeout");
        Objects.requireNonNull(subscription, "subscription");
        if (answerTimeout.isNegative() || answerTimeout.isZero()) {
            throw new IllegalArgumentException("answerTimeout must be positive, got " + answerTimeout);
        }
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(kafkaProperties),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, AlignmentRequest> producer = null;
        try {
            List<String> read = subscription == Subscription.RESPONSES ? List.of(topics.responses().name())
                    : List.of(topics.responses().name(), topics.upstreamTokens().name());
            positionAtEnd(consumer, read);
            producer = new KafkaProducer<>(producerProperties(kafkaProperties),
                    topics.prompts().keySerde().serializer(), topics.prompts().valueSerde().serializer());
            AlignmentClient client = new AlignmentClient(topics, answerTimeout, producer, consumer);
            client.consumerThread.start();
            return client;
        } catch (RuntimeException e) {
            consumer.close();
            if (producer != null) {
                producer.close();
            }
            throw e;
        }
    }

    /** As {@link #submit(AlignmentRequest, ResponseListener)}, for a caller that wants only the answer. */
    public CompletableFuture<AnswerFinal> submit(AlignmentRequest request) {
        return submit(request, ResponseListener.NONE);
    }

    /**
     * Produces the request to {@code prompts} and returns its answer to come.
     *
     * @param request  a request whose id no other pending request of this client has
     * @param listener receives the request's events as they arrive, on the client's consumer thread
     * @return completes with the request's final event (also when it ended in error: see its finish reason);
     *         fails with a {@link TimeoutException} after the answer timeout, or an {@link AlignmentClientException}
     *         when the request cannot be sent or the client closes first. Cancelling it stops listening.
     * @throws IllegalArgumentException if a request with the same id is pending
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<AnswerFinal> submit(AlignmentRequest request, ResponseListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        if (!running) {
            throw new IllegalStateException("the client is closed");
        }
        String requestId = request.getRequestId();
        PendingRequest waiting = new PendingRequest(listener, new CompletableFuture<>());
        if (pending.putIfAbsent(requestId, waiting) != null) {
            throw new IllegalArgumentException("request " + requestId + " is already pending");
        }
        ScheduledFuture<?> timeout = timeouts.schedule(() -> waiting.answer.completeExceptionally(new TimeoutException(
                "no final event for request " + requestId + " within " + answerTimeout)), answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        waiting.answer.whenComplete((answer, failure) -> {
            pending.remove(requestId, waiting);
            timeout.cancel(false);
        });
        producer.send(new ProducerRecord<>(topics.prompts().name(), requestId, request), (metadata, failure) -> {
            if (failure != null) {
                waiting.answer.completeExceptionally(new AlignmentClientException("cannot send request " + requestId
                        + " to " + topics.prompts().name(), failure));
            }
        });
        return waiting.answer;
    }

    /** Requests submitted whose final event has not arrived yet. */
    public int pendingCount() {
        return pending.size();
    }

    /** Stops reading responses and fails the requests still pending with an {@link AlignmentClientException}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        consumer.wakeup();
        try {
            consumerThread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        timeouts.shutdownNow();
        pending.forEach((id, waiting) -> waiting.answer.completeExceptionally(
                new AlignmentClientException("the client closed before the final event of request " + id)));
    }

    private void consumeResponses() {
        try {
            while (running) {
                List<Decoded> decoded = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.value() == null) {
                        continue;
                    }
                    try {
                        decoded.add(record.topic().equals(topics.upstreamTokens().name())
                                ? Decoded.of(upstreamTokens.deserialize(record.topic(), record.value()))
                                : Decoded.of(responses.deserialize(record.topic(), record.value())));
                    } catch (RuntimeException unreadable) {
                        LOG.warn("skipping an unreadable record at {}-{} offset {}: {}", record.topic(), record.partition(),
                                record.offset(), unreadable.getMessage());
                    }
                }
                // One poll returns the two topics' records partition by partition, not in the order they were written;
                // a request's are written round by round (a round's deltas, then its sentence), so that order is
                // restored before a listener sees them. The sort is stable: a partition's own order is kept.
                decoded.sort(Decoded.CAUSAL_ORDER);
                for (Decoded event : decoded) {
                    if (event.delta() != null) {
                        dispatch(event.delta());
                    } else {
                        dispatch(event.response());
                    }
                }
            }
        } catch (WakeupException closing) {
            // close() woke the poll
        } catch (RuntimeException e) {
            LOG.error("the responses consumer failed; pending requests will time out", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void dispatch(AlignmentResponse response) {
        PendingRequest waiting = pending.get(response.getRequestId());
        if (waiting == null) {
            return; // another client's request, or one that timed out
        }
        Object event = response.getEvent();
        try {
            if (event instanceof SentenceAligned sentence) {
                waiting.deltas.settled(sentence.getRound());
                waiting.listener.onSentence(sentence);
            } else if (event instanceof AlignmentError error) {
                waiting.listener.onError(error);
            } else if (event instanceof AnswerFinal answer) {
                waiting.listener.onFinal(answer);
            }
        } catch (RuntimeException e) {
            LOG.warn("the listener of request {} failed on {}", response.getRequestId(), event.getClass().getSimpleName(), e);
        }
        if (event instanceof AnswerFinal answer) {
            waiting.answer.complete(answer);
        }
    }

    private void dispatch(TokenDelta delta) {
        PendingRequest waiting = pending.get(delta.getRequestId());
        if (waiting == null || !waiting.deltas.isNew(delta)) {
            return;
        }
        try {
            waiting.listener.onUpstreamDelta(delta);
        } catch (RuntimeException e) {
            LOG.warn("the listener of request {} failed on a TokenDelta", delta.getRequestId(), e);
        }
    }

    /**
     * Assigns every partition of the topics and resolves the end positions now ({@code seekToEnd} is lazy), so
     * that what is produced later is read. Under read_committed the end is the last stable offset.
     */
    private static void positionAtEnd(KafkaConsumer<?, ?> consumer, List<String> topics) {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        List<TopicPartition> assigned = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> partitions = List.of();
            while (partitions.isEmpty()) {
                partitions = consumer.partitionsFor(topic, CONNECT_TIMEOUT);
                if (partitions.isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new AlignmentClientException("topic " + topic + " does not exist after " + CONNECT_TIMEOUT
                                + "; is the application running (it creates its topics)?");
                    }
                    sleep(Duration.ofMillis(200));
                }
            }
            partitions.forEach(p -> assigned.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        assigned.forEach(partition -> consumer.position(partition, CONNECT_TIMEOUT));
    }

    private static Map<String, Object> producerProperties(Properties kafka) {
        Map<String, Object> producer = known(kafka, ProducerConfig.configNames());
        // a request is sent at once (Kafka 4 lingers 5 ms by default), durably, and at most once per submit
        producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        producer.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return producer;
    }

    private static Map<String, Object> consumerProperties(Properties kafka) {
        Map<String, Object> consumer = known(kafka, ConsumerConfig.configNames());
        GROUP_SETTINGS.forEach(consumer::remove);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // looking for responses must not create it (with the broker's default partitions) before the application does
        consumer.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return consumer;
    }

    private static Map<String, Object> known(Properties kafka, Set<String> names) {
        Map<String, Object> selected = new HashMap<>();
        for (String name : names) {
            if (kafka.containsKey(name)) {
                selected.put(name, kafka.get(name));
            }
        }
        return selected;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlignmentClientException("interrupted while waiting for the responses topic", e);
        }
    }

    /**
     * A record read back, with its place in its request's order: in round {@code round}, the upstream's deltas
     * (rank 0) come before the round's sentence (1), then an error of the round (2); the final event comes last.
     */
    private record Decoded(int round, int rank, TokenDelta delta, AlignmentResponse response) {

        static final Comparator<Decoded> CAUSAL_ORDER = Comparator.comparingInt(Decoded::round).thenComparingInt(Decoded::rank);

        static Decoded of(TokenDelta delta) {
            return new Decoded(delta.getRound(), 0, delta, null);
        }

        static Decoded of(AlignmentResponse response) {
            Object event = response.getEvent();
            if (event instanceof SentenceAligned sentence) {
                return new Decoded(sentence.getRound(), 1, null, response);
            }
            if (event instanceof AlignmentError error) {
                return new Decoded(error.getRound(), 2, null, response);
            }
            return new Decoded(Integer.MAX_VALUE, 3, null, response); // the final event: nothing of its request follows
        }
    }

    private record PendingRequest(ResponseListener listener, CompletableFuture<AnswerFinal> answer, SeenDeltas deltas) {

        PendingRequest(ResponseListener listener, CompletableFuture<AnswerFinal> answer) {
            this(listener, answer, new SeenDeltas());
        }
    }

    /**
     * Which upstream deltas of one request were delivered, on the consumer thread: a delta is new if its round is not
     * settled (its sentence has not arrived) and it lies beyond the last delivered one; the empty end-of-step delta
     * and speculative deltas (of a step the loop may not take) are not delivered.
     */
    static final class SeenDeltas {

        private int settledRound;
        private int round;
        private int nextIndex;

        void settled(int sentenceRound) {
            settledRound = Math.max(settledRound, sentenceRound);
        }

        boolean isNew(TokenDelta delta) {
            if (delta.getSpeculative()) {
                return false; // a step run ahead of the aligner: it comes again unmarked if the loop takes it
            }
            if (delta.getRound() <= settledRound || delta.getRound() < round
                    || delta.getRound() == round && delta.getIndex() < nextIndex) {
                return false;
            }
            round = delta.getRound();
            nextIndex = delta.getIndex() + 1;
            return !delta.getText().isEmpty();
        }
    }
}
