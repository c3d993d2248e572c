package io.streamaligner.ops.faults;

import io.streamaligner.client.Topics;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.SentenceAligned;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything committed on {@code responses}, read as a client reads it ({@code read_committed}, from the start) on a
 * thread of its own, with the time each event arrived: what the fault programs judge a run by. Counts what must never
 * happen: a sentence of a round seen twice, a second final, an event after its request's final.
 */
public final class ResponseLedger implements AutoCloseable {

    /** One event as it arrived: its partition and when, by {@link System#nanoTime()}. */
    public record Arrival(String requestId, int partition, long nanos, Object event) {
    }

    private final KafkaConsumer<String, AlignmentResponse> consumer;
    private final Thread reader;
    private final List<Arrival> arrivals = new ArrayList<>();
    private final Map<String, AnswerFinal> finals = new HashMap<>();
    private final Map<String, List<SentenceAligned>> sentences = new HashMap<>();
    private final Map<String, String> errors = new HashMap<>();
    private final Set<String> seenRounds = new HashSet<>();
    private int duplicates;
    private volatile boolean closed;

    private ResponseLedger(KafkaConsumer<String, AlignmentResponse> consumer, String topic) {
        this.consumer = consumer;
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.reader = new Thread(this::read, "response-ledger");
        reader.setDaemon(true);
    }

    /** Starts reading {@code topics.responses()} on the cluster at {@code bootstrapServers}. */
    public static ResponseLedger start(String bootstrapServers, Topics topics) {
        KafkaConsumer<String, AlignmentResponse> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
                topics.responses().keySerde().deserializer(), topics.responses().valueSerde().deserializer());
        ResponseLedger ledger = new ResponseLedger(consumer, topics.responses().name());
        ledger.reader.start();
        return ledger;
    }

    private void read() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, AlignmentResponse> record : consumer.poll(Duration.ofMillis(50))) {
                    record(new Arrival(record.key(), record.partition(), System.nanoTime(), record.value().getEvent()));
                }
            }
        } catch (WakeupException stopping) {
            // closed
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private synchronized void record(Arrival arrival) {
        arrivals.add(arrival);
        String id = arrival.requestId();
        if (finals.containsKey(id)) {
            duplicates++; // anything after a request's final
        } else if (arrival.event() instanceof SentenceAligned sentence) {
            if (!seenRounds.add(id + "#" + sentence.getRound())) {
                duplicates++;
            }
            sentences.computeIfAbsent(id, key -> new ArrayList<>()).add(sentence);
        } else if (arrival.event() instanceof AlignmentError error) {
            errors.put(id, error.getMessage());
        } else if (arrival.event() instanceof AnswerFinal answer) {
            finals.put(id, answer);
        }
        notifyAll();
    }

    /** Waits until {@code count} requests have their final, or the timeout passes; whether they have. */
    public synchronized boolean awaitFinals(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (finals.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    public synchronized int finalsCount() {
        return finals.size();
    }

    /** Sentences seen twice, second finals and events after a final. */
    public synchronized int duplicates() {
        return duplicates;
    }

    public synchronized Map<String, AnswerFinal> finals() {
        return new TreeMap<>(finals);
    }

    /** Each request's sentences in the order they arrived. */
    public synchronized Map<String, List<SentenceAligned>> sentences() {
        Map<String, List<SentenceAligned>> copy = new TreeMap<>();
        sentences.forEach((id, list) -> copy.put(id, List.copyOf(list)));
        return copy;
    }

    public synchronized Map<String, String> errors() {
        return new TreeMap<>(errors);
    }

    /** The requests that had no final by {@code nanos}. */
    public synchronized Set<String> unfinishedAt(Set<String> submitted, long nanos) {
        Set<String> finishedBefore = new HashSet<>();
        for (Arrival arrival : arrivals) {
            if (arrival.nanos() <= nanos && arrival.event() instanceof AnswerFinal) {
                finishedBefore.add(arrival.requestId());
            }
        }
        Set<String> unfinished = new HashSet<>(submitted);
        unfinished.removeAll(finishedBefore);
        return unfinished;
    }

    /** When the first event after {@code nanos} arrived on {@code partition}. */
    public synchronized Optional<Long> firstArrivalAfter(int partition, long nanos) {
        return arrivals.stream().filter(arrival -> arrival.partition() == partition && arrival.nanos() > nanos)
                .map(Arrival::nanos).min(Long::compare);
    }

    /** When the first event of any of {@code requestIds} arrived after {@code nanos}. */
    public synchronized Optional<Long> firstArrivalAfter(Set<String> requestIds, long nanos) {
        return arrivals.stream().filter(arrival -> arrival.nanos() > nanos && requestIds.contains(arrival.requestId()))
                .map(Arrival::nanos).min(Long::compare);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        reader.join(10_000);
    }
}
