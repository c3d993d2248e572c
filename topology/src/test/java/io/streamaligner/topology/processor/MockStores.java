package io.streamaligner.topology.processor;

import io.streamaligner.topology.AlignmentTopology;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/** Stores for {@link MockProcessorContext}, which has no changelog or cache behind it. */
final class MockStores {

    private MockStores() {
    }

    /** A context with the application's streams configuration, whose wall clock reads {@code 10_000} ms. */
    static <K, V> MockProcessorContext<K, V> newContext() {
        MockProcessorContext<K, V> context = new MockProcessorContext<>(
                AlignmentTopology.streamsConfig("processor-test", "unused:9092"));
        context.setCurrentSystemTimeMs(10_000);
        return context;
    }

    static <V> KeyValueStore<String, V> attach(StoreBuilder<KeyValueStore<String, V>> builder,
                                               MockProcessorContext<?, ?> context) {
        KeyValueStore<String, V> store = builder.withLoggingDisabled().withCachingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    /** Runs every punctuator scheduled on {@code context} once, as the wall clock would. */
    static void punctuate(MockProcessorContext<?, ?> context) {
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(context.currentSystemTimeMs()));
    }
}
