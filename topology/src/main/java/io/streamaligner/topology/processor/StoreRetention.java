package io.streamaligner.topology.processor;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * How long a processor remembers a request in a store ({@code streamaligner.aligner.progress-retention.ms}): entries
 * whose time is older than the retention are deleted by a wall-clock punctuator, at least once a minute.
 */
final class StoreRetention {

    private static final Duration LONGEST_PURGE_PERIOD = Duration.ofMinutes(1);

    private final Duration retention;

    StoreRetention(Duration retention) {
        this.retention = Objects.requireNonNull(retention, "retention");
    }

    /** Purges {@code store}'s entries older than the retention, by the time {@code updatedAtMs} reads from each. */
    <V> void schedulePurge(ProcessorContext<?, ?> context, KeyValueStore<String, V> store, ToLongFunction<V> updatedAtMs) {
        Duration period = retention.compareTo(LONGEST_PURGE_PERIOD) < 0 ? retention : LONGEST_PURGE_PERIOD;
        context.schedule(period, PunctuationType.WALL_CLOCK_TIME, now -> purge(store, now, updatedAtMs));
    }

    <V> void purge(KeyValueStore<String, V> store, long nowMs, ToLongFunction<V> updatedAtMs) {
        long oldest = nowMs - retention.toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, V> entries = store.all()) {
            while (entries.hasNext()) {
                KeyValue<String, V> entry = entries.next();
                if (updatedAtMs.applyAsLong(entry.value) < oldest) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(store::delete);
    }
}
