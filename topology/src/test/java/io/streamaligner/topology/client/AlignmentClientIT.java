package io.streamaligner.client;

import io.streamaligner.client.Topics;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client against a real broker, with a stand-in for the application that answers each prompt the moment it
 * reads it: every event is produced after its submit, the case the client must never miss.
 */
@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class AlignmentClientIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Topics topics;
    private EmbeddedKafkaBroker broker;
    private Responder responder;

    @BeforeEach
    void createTopics(EmbeddedKafkaBroker broker) {
        this.broker = broker;
        topics = Topics.withPrefix("client-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        broker.createTopics(3, topics.names());
    }

    @AfterEach
    void stopResponder() throws InterruptedException {
        if (responder != null) {
            responder.stop();
        }
    }

    @Test
    void shouldHandEachRequestItsOwnEventsInOrderAndCompleteWithItsFinal() throws Exception {
        responder = Responder.start(broker.bootstrapServers(), topics, true);
        try (AlignmentClient client = AlignmentClient.connect(broker.bootstrapServers(), topics)) {
            List<RecordingListener> listeners = new ArrayList<>();
            List<CompletableFuture<AnswerFinal>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                RecordingListener listener = new RecordingListener();
                listeners.add(listener);
                answers.add(client.submit(AlignmentRequests.builder("request-" + i, "What is " + i + " + 1?").build(), listener));
            }

            for (int i = 0; i < answers.size(); i++) {
                AnswerFinal answer = answers.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(answer.getRequestId()).isEqualTo("request-" + i);
                assertThat(answer.getAnswer()).isEqualTo("Echo of What is " + i + " + 1? Done.");
                assertThat(listeners.get(i).events).containsExactly(
                        "sentence 1 Echo of What is " + i + " + 1?", "sentence 2 Done.", "final request-" + i);
            }
            assertThat(client.pendingCount()).isZero();
        }
    }

    @Test
    void shouldPassOnErrorEventsAndCompleteWithTheErrorFinal() throws Exception {
        responder = Responder.start(broker.bootstrapServers(), topics, true);
        try (AlignmentClient client = AlignmentClient.connect(broker.bootstrapServers(), topics)) {
            RecordingListener listener = new RecordingListener();

            AnswerFinal answer = client.submit(AlignmentRequests.builder("broken", "fail please").build(), listener)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(answer.getFinishReason()).isEqualTo(AnswerFinishReason.ERROR);
            assertThat(listener.events).containsExactly("error UPSTREAM", "final broken");
        }
    }

    @Test
    void shouldSeeOnlyCommittedEvents() throws Exception {
        responder = Responder.start(broker.bootstrapServers(), topics, true);
        try (AlignmentClient client = AlignmentClient.connect(broker.bootstrapServers(), topics)) {
            RecordingListener listener = new RecordingListener();

            client.submit(AlignmentRequests.builder("aborted-first", "abort once").build(), listener)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(listener.events).as("the aborted transaction's final is never seen").containsExactly(
                    "sentence 1 Echo of abort once", "sentence 2 Done.", "final aborted-first");
        }
    }

    @Test
    void shouldFailAnAnswerThatDoesNotComeInTime() throws Exception {
        responder = Responder.start(broker.bootstrapServers(), topics, false);
        Properties kafka = new Properties();
        kafka.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (AlignmentClient client = AlignmentClient.connect(kafka, topics, Duration.ofMillis(500))) {
            CompletableFuture<AnswerFinal> answer = client.submit(AlignmentRequests.builder("unanswered", "q").build());

            assertThatThrownBy(() -> answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("unanswered");
            assertThat(client.pendingCount()).isZero();
        }
    }

    @Test
    void shouldRefuseASecondPendingRequestWithTheSameIdAndFailPendingOnesWhenClosed() {
        responder = Responder.start(broker.bootstrapServers(), topics, false);
        CompletableFuture<AnswerFinal> pending;
        try (AlignmentClient client = AlignmentClient.connect(broker.bootstrapServers(), topics)) {
            pending = client.submit(AlignmentRequests.builder("twice", "q").build());

            assertThatThrownBy(() -> client.submit(AlignmentRequests.builder("twice", "q").build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        }

        assertThatThrownBy(pending::join).cause().isInstanceOf(AlignmentClientException.class).hasMessageContaining("closed");
    }

    /** Keeps each request's events as short strings, in arrival order. */
    private static final class RecordingListener implements ResponseListener {

        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onSentence(SentenceAligned sentence) {
            events.add("sentence " + sentence.getRound() + " " + sentence.getCorrected());
        }

        @Override
        public void onError(AlignmentError error) {
            events.add("error " + error.getStage());
        }

        @Override
        public void onFinal(AnswerFinal answer) {
            events.add("final " + answer.getRequestId());
        }
    }

    /**
     * Stands in for the application: reads prompts and, in one transaction per prompt, answers with two sentences
     * and a final ("fail" questions: an error and an error final). A question containing "abort" first gets a
     * final in an aborted transaction. With {@code answering} false it reads but never answers.
     */
    private static final class Responder {

        private final KafkaConsumer<String, AlignmentRequest> consumer;
        private final Thread thread;

        private Responder(KafkaConsumer<String, AlignmentRequest> consumer, Thread thread) {
            this.consumer = consumer;
            this.thread = thread;
        }

        static Responder start(String bootstrapServers, Topics topics, boolean answering) {
            KafkaConsumer<String, AlignmentRequest> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, "responder-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    topics.prompts().keySerde().deserializer(), topics.prompts().valueSerde().deserializer());
            consumer.subscribe(List.of(topics.prompts().name()));
            KafkaProducer<String, AlignmentResponse> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "responder-" + UUID.randomUUID()),
                    topics.responses().keySerde().serializer(), topics.responses().valueSerde().serializer());
            Thread thread = new Thread(() -> {
                try (producer) {
                    producer.initTransactions();
                    while (true) {
                        for (ConsumerRecord<String, AlignmentRequest> prompt : consumer.poll(Duration.ofMillis(50))) {
                            if (answering) {
                                answer(producer, topics.responses().name(), prompt.value());
                            }
                        }
                    }
                } catch (WakeupException stop) {
                    // the test is over
                } finally {
                    consumer.close();
                }
            }, "responder");
            thread.start();
            return new Responder(consumer, thread);
        }

        void stop() throws InterruptedException {
            consumer.wakeup();
            thread.join(10_000);
        }

        private static void answer(KafkaProducer<String, AlignmentResponse> producer, String topic, AlignmentRequest request) {
            String id = request.getRequestId();
            AlignedPrefix done = AlignedPrefix.newBuilder().setRequest(request).setAlignedPrefix("Echo of " + request.getQuestion()
                    + " Done.").setRound(2).build();
            if (request.getQuestion().contains("abort")) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, id, answerFinal(done, AnswerFinishReason.ERROR)));
                producer.flush();
                producer.abortTransaction();
            }
            producer.beginTransaction();
            if (request.getQuestion().startsWith("fail")) {
                producer.send(new ProducerRecord<>(topic, id, event(id, AlignmentError.newBuilder().setRequestId(id)
                        .setStage(AlignmentStage.UPSTREAM).setRound(1).setMessage("IllegalStateException: no").build())));
                producer.send(new ProducerRecord<>(topic, id, answerFinal(done, AnswerFinishReason.ERROR)));
            } else {
                producer.send(new ProducerRecord<>(topic, id, sentenceAligned(id, 1, "Echo of " + request.getQuestion())));
                producer.send(new ProducerRecord<>(topic, id, sentenceAligned(id, 2, "Done.")));
                producer.send(new ProducerRecord<>(topic, id, answerFinal(done, AnswerFinishReason.UPSTREAM_END)));
            }
            producer.commitTransaction();
        }

        private static AlignmentResponse sentenceAligned(String id, int round, String sentence) {
            return event(id, SentenceAligned.newBuilder().setRequestId(id).setRound(round).setOriginal(sentence)
                    .setCorrected(sentence).setChanged(false).setUpstreamMs(0).setAlignerMs(0).build());
        }

        private static AlignmentResponse answerFinal(AlignedPrefix answer, AnswerFinishReason reason) {
            String id = answer.getRequest().getRequestId();
            return event(id, AnswerFinal.newBuilder().setRequestId(id).setAnswer(answer.getAlignedPrefix())
                    .setRounds(answer.getRound()).setFinishReason(reason).setUpstreamTokens(0).setAlignerTokens(0)
                    .setUpstreamMs(0).setAlignerMs(0).setTotalMs(0).build());
        }

        private static AlignmentResponse event(String id, Object event) {
            return AlignmentResponse.newBuilder().setRequestId(id).setEvent(event).build();
        }
    }
}
