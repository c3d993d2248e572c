package io.streamaligner.ops.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The floor under a round: raw produce→consume hops on a broker, with no Streams in between. A message goes
 * through {@code hops} topics in a chain (a relay thread consumes each topic and produces to the next), one message
 * in flight at a time; the sample is the time from its first send to its arrival at the end of the chain. Producers
 * send at once with acks=all (as Streams' do); consumers read with the client defaults.
 */
final class HopLatency {

    private static final Duration POLL = Duration.ofMillis(100);

    private HopLatency() {
    }

    /** Milliseconds per message through {@code topics.size()} hops, after {@code warmup} unmeasured messages. */
    static List<Double> measure(String bootstrapServers, List<String> topics, int warmup, int samples) throws InterruptedException {
        List<Thread> relays = new ArrayList<>();
        List<KafkaConsumer<Long, Long>> relayConsumers = new ArrayList<>();
        for (int i = 0; i + 1 < topics.size(); i++) {
            KafkaConsumer<Long, Long> from = consumer(bootstrapServers, topics.get(i));
            relayConsumers.add(from);
            String to = topics.get(i + 1);
            Thread relay = new Thread(() -> relay(bootstrapServers, from, to), "hop-relay-" + to);
            relay.setDaemon(true);
            relays.add(relay);
            relay.start();
        }
        List<Double> millis = new ArrayList<>(samples);
        try (KafkaProducer<Long, Long> producer = producer(bootstrapServers);
             KafkaConsumer<Long, Long> end = consumer(bootstrapServers, topics.get(topics.size() - 1))) {
            for (long message = 0; message < warmup + samples; message++) {
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topics.get(0), message, message));
                awaitMessage(end, message);
                if (message >= warmup) {
                    millis.add((System.nanoTime() - sent) / 1e6);
                }
            }
        } finally {
            relayConsumers.forEach(KafkaConsumer::wakeup);
            for (Thread relay : relays) {
                relay.join(5_000);
            }
        }
        return millis;
    }

    /**
     * Milliseconds per message through one topic when each message is sent in its own transaction and read
     * read_committed: the hop as exactly_once_v2 makes it (send, commit, then fetch), with no Streams around it.
     */
    static List<Double> measureTransactional(String bootstrapServers, String topic, int warmup, int samples) {
        List<Double> millis = new ArrayList<>(samples);
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "hop-latency-" + topic);
        try (KafkaProducer<Long, Long> producer = new KafkaProducer<>(producerConfig, new LongSerializer(), new LongSerializer());
             KafkaConsumer<Long, Long> end = consumer(bootstrapServers, topic, "read_committed")) {
            producer.initTransactions();
            for (long message = 0; message < warmup + samples; message++) {
                long sent = System.nanoTime();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, message, message));
                producer.commitTransaction();
                awaitMessage(end, message);
                if (message >= warmup) {
                    millis.add((System.nanoTime() - sent) / 1e6);
                }
            }
        }
        return millis;
    }

    private static void awaitMessage(KafkaConsumer<Long, Long> consumer, long message) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<Long, Long> record : consumer.poll(POLL)) {
                if (record.value() == message) {
                    return;
                }
            }
        }
        throw new IllegalStateException("message " + message + " did not arrive within 30 s");
    }

    private static void relay(String bootstrapServers, KafkaConsumer<Long, Long> from, String to) {
        try (KafkaProducer<Long, Long> producer = producer(bootstrapServers)) {
            while (true) {
                for (ConsumerRecord<Long, Long> record : from.poll(POLL)) {
                    producer.send(new ProducerRecord<>(to, record.key(), record.value()));
                }
            }
        } catch (WakeupException stop) {
            // measuring is over
        } finally {
            from.close();
        }
    }

    private static KafkaConsumer<Long, Long> consumer(String bootstrapServers, String topic) {
        return consumer(bootstrapServers, topic, "read_uncommitted");
    }

    /** Reads the topic's only partition from its end, positioned before this returns. */
    private static KafkaConsumer<Long, Long> consumer(String bootstrapServers, String topic, String isolationLevel) {
        KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel),
                new LongDeserializer(), new LongDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
        return consumer;
    }

    private static KafkaProducer<Long, Long> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new LongSerializer(), new LongSerializer());
    }
}
