package io.streamaligner.topology.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;

/**
 * Produce and consume helpers for integration tests on a real broker. Consumers read a topic from its
 * start with {@code read_committed}, as the application's downstream consumers do, in a fresh group.
 */
public final class IntegrationTestUtils {

    private static final Duration POLL = Duration.ofMillis(100);

    private IntegrationTestUtils() {
    }

    /** A topic name no other test uses: tests share one broker. */
    public static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Sends the records in order and waits until the broker has acknowledged each (acks=all). */
    public static <K, V> void produceSynchronously(String bootstrapServers, String topic, List<KeyValue<K, V>> records,
                                                   Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<K, V> producer = new KafkaProducer<>(config, keySerializer, valueSerializer)) {
            for (KeyValue<K, V> record : records) {
                producer.send(new ProducerRecord<>(topic, record.key, record.value)).get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while producing to " + topic, e);
        } catch (ExecutionException e) {
            throw new AssertionError("cannot produce to " + topic, e.getCause());
        }
    }

    /** {@link #produceSynchronously} with string keys and values. */
    public static void produceStrings(String bootstrapServers, String topic, List<KeyValue<String, String>> records) {
        produceSynchronously(bootstrapServers, topic, records, new StringSerializer(), new StringSerializer());
    }

    /**
     * Reads the topic from its start until {@code done} holds for everything read so far, and returns it.
     *
     * @throws AssertionError when {@code timeout} passes first, naming what was read
     */
    public static <K, V> List<ConsumerRecord<K, V>> consumeUntil(String bootstrapServers, String topic,
                                                                 Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer,
                                                                 Predicate<List<ConsumerRecord<K, V>>> done, Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, uniqueTopic("test-consumer"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<K, V>> received = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keyDeserializer, valueDeserializer)) {
            consumer.subscribe(List.of(topic));
            while (!done.test(received)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition not met on " + topic + " within " + timeout + "; received "
                            + received.stream().map(r -> r.key() + "=" + r.value()).toList());
                }
                consumer.poll(POLL).forEach(received::add);
            }
        }
        return received;
    }

    /** Reads string records from the topic's start until at least {@code count} have arrived. */
    public static List<KeyValue<String, String>> consumeStrings(String bootstrapServers, String topic, int count, Duration timeout) {
        return consumeUntil(bootstrapServers, topic, new StringDeserializer(), new StringDeserializer(),
                records -> records.size() >= count, timeout)
                .stream().map(r -> KeyValue.pair(r.key(), r.value())).toList();
    }
}
