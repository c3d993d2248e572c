package io.streamaligner.ops.faults;

import io.streamaligner.client.Topics;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.serde.AvroSerde;
import io.streamaligner.topology.app.TopicCreator;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 unreadable records on each topic the application reads ({@code prompts}, {@code feedback}), mixed in with good
 * requests, against a {@code run} process from the runnable jar: every bad record lands in {@code dead-letter} with its
 * reason and source (one of each topic's as large as the topic takes, cut to fit), and every good request is answered.
 */
@Tag("integration")
class MalformedRecordsIT {

    private static final int BAD_PER_TOPIC = 1_000;
    private static final int GOOD = 20;

    @TempDir
    Path workDir;

    @Test
    void shouldDeadLetterEveryUnreadableRecordWithItsReasonAndServeTheOthers() throws Exception {
        String run = "m" + UUID.randomUUID().toString().substring(0, 6);
        Topics topics = Topics.withPrefix(run + ".");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                TopicCreator.createMissing(admin, topics, 2, Duration.ofMinutes(1));
            }
            try (ApplicationProcess instance = ApplicationProcess.start(FaultTestSupport.jar(), run, broker.bootstrapServers(),
                    workDir.resolve("data"), List.of("application.id=" + run, "streamaligner.topic.prefix=" + run + ".",
                            "streamaligner.topic.partitions=2"), workDir);
                 ResponseLedger ledger = ResponseLedger.start(broker.bootstrapServers(), topics)) {
                instance.awaitRunning(Fault.RESTART_TIMEOUT);
                List<AlignmentRequest> good = FaultRun.greedyToyRequests(run, GOOD);
                produceMixed(broker.bootstrapServers(), topics, good);

                assertThat(ledger.awaitFinals(GOOD, Duration.ofMinutes(3))).as("every good request answered").isTrue();
                List<ConsumerRecord<String, byte[]>> dead = readDeadLetters(broker.bootstrapServers(), topics, 2 * BAD_PER_TOPIC);
                Map<String, Long> bySource = dead.stream().collect(Collectors.groupingBy(
                        record -> header(record, "dead-letter.source.topic"), Collectors.counting()));
                assertThat(bySource).containsEntry(topics.prompts().name(), (long) BAD_PER_TOPIC)
                        .containsEntry(topics.feedback().name(), (long) BAD_PER_TOPIC).hasSize(2);
                Map<String, Long> byReason = dead.stream().collect(Collectors.groupingBy(
                        record -> header(record, "dead-letter.reason"), Collectors.counting()));
                assertThat(byReason.keySet()).containsExactlyInAnyOrder("MALFORMED", "UNKNOWN_SCHEMA", "NO_KEY", "NO_VALUE");
                assertThat(dead).allSatisfy(record -> assertThat(header(record, "dead-letter.message")).isNotBlank());
                assertThat(dead).filteredOn(record -> record.headers().lastHeader("dead-letter.source.value-bytes") != null)
                        .as("the records of nearly 1 MiB, cut to fit").hasSize(2)
                        .allSatisfy(record -> assertThat(record.value()).hasSize(512 * 1024));
                assertThat(ledger.duplicates()).isZero();
                assertThat(ledger.errors()).isEmpty();
                assertThat(instance.isAlive()).isTrue();
                assertThat(instance.stop(Duration.ofSeconds(60))).as("stopped cleanly on SIGTERM").isTrue();
            }
        }
    }

    /** Bad records of four kinds on both topics, the good requests spread among them. */
    private static void produceMixed(String bootstrapServers, Topics topics, List<AlignmentRequest> good) {
        byte[] valid = AvroSerde.of(AlignmentRequest.class).encode(good.get(0));
        byte[] unknownSchema = valid.clone();
        unknownSchema[2] ^= 0x5A; // another fingerprint
        byte[] truncated = Arrays.copyOf(valid, 12);
        byte[] garbage = "not a record at all".getBytes(StandardCharsets.UTF_8);
        // as large as a topic takes: copied with a dead letter's headers it would exceed a produce request
        byte[] nearlyOneMegabyte = new byte[1024 * 1024 - 200];
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (String topic : List.of(topics.prompts().name(), topics.feedback().name())) {
            for (int i = 0; i < BAD_PER_TOPIC; i++) {
                String key = "bad-" + i;
                records.add(switch (i % 5) {
                    case 0 -> new ProducerRecord<>(topic, key, i == 0 ? nearlyOneMegabyte : garbage);
                    case 1 -> new ProducerRecord<>(topic, key, unknownSchema);
                    case 2 -> new ProducerRecord<>(topic, null, valid);
                    case 3 -> new ProducerRecord<>(topic, key, (byte[]) null);
                    default -> new ProducerRecord<>(topic, key, truncated);
                });
            }
        }
        int every = records.size() / good.size();
        for (int i = 0; i < good.size(); i++) {
            AlignmentRequest request = good.get(i);
            records.add(i * every + i, new ProducerRecord<>(topics.prompts().name(), request.getRequestId(),
                    AvroSerde.of(AlignmentRequest.class).encode(request)));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readDeadLetters(String bootstrapServers, Topics topics, int count) {
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.deadLetter().name()));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (read.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
