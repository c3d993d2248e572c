package io.streamaligner.topology.broker;

import static io.streamaligner.topology.testing.IntegrationTestUtils.consumeStrings;
import static io.streamaligner.topology.testing.IntegrationTestUtils.consumeUntil;
import static io.streamaligner.topology.testing.IntegrationTestUtils.produceStrings;
import static io.streamaligner.topology.testing.IntegrationTestUtils.uniqueTopic;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.topology.testing.SharedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class EmbeddedKafkaBrokerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldDeliverAProducedRecordToAConsumer(EmbeddedKafkaBroker broker) {
        String topic = uniqueTopic("records");
        broker.createTopic(topic, 1);

        produceStrings(broker.bootstrapServers(), topic, List.of(KeyValue.pair("request-1", "First, 23 + 48 = 71.")));

        assertThat(consumeStrings(broker.bootstrapServers(), topic, 1, TIMEOUT))
                .containsExactly(KeyValue.pair("request-1", "First, 23 + 48 = 71."));
    }

    @Test
    void shouldCreateTopicsWithTheConfiguredPartitionsAndLeaveExistingOnes(EmbeddedKafkaBroker broker) throws Exception {
        String prompts = uniqueTopic("prompts");
        String responses = uniqueTopic("responses");
        broker.createTopics(3, List.of(prompts, responses));

        broker.createTopics(5, List.of(prompts));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(prompts, responses)).allTopicNames().get();
            assertThat(topics.get(prompts).partitions()).hasSize(3);
            assertThat(topics.get(responses).partitions()).hasSize(3);
        }
    }

    @Test
    void shouldShowReadCommittedConsumersOnlyCommittedTransactions(EmbeddedKafkaBroker broker) {
        String topic = uniqueTopic("transactions");
        broker.createTopic(topic, 1);
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, uniqueTopic("transactional-producer"));

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "request-1", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "request-1", "committed"));
            producer.commitTransaction();
        }

        List<ConsumerRecord<String, String>> seen = consumeUntil(broker.bootstrapServers(), topic,
                new StringDeserializer(), new StringDeserializer(),
                records -> records.stream().anyMatch(r -> r.value().equals("committed")), TIMEOUT);
        assertThat(seen).extracting(ConsumerRecord::value).containsExactly("committed");
    }

    @Test
    void shouldKeepTopicsAndRecordsWhenRestartedOnTheSameDataDirectory(@TempDir Path dataDir) {
        String topic = "kept";
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(0, dataDir)) {
            first.createTopic(topic, 2);
            produceStrings(first.bootstrapServers(), topic, List.of(KeyValue.pair("request-1", "kept across restarts")));
        }

        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(0, dataDir)) {
            assertThat(consumeStrings(second.bootstrapServers(), topic, 1, TIMEOUT))
                    .containsExactly(KeyValue.pair("request-1", "kept across restarts"));
        }
        assertThat(dataDir.resolve("logs").resolve("meta.properties")).exists();
    }

    @Test
    void shouldDeleteItsTemporaryDataDirectoryWhenClosed() {
        Path dataDir;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            dataDir = broker.dataDir();
            assertThat(dataDir.resolve("logs").resolve("meta.properties")).exists();
        }

        assertThat(Files.exists(dataDir)).isFalse();
    }
}
