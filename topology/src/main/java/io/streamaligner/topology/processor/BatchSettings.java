package io.streamaligner.topology.processor;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link InferenceBatcher} groups work into model calls.
 *
 * @param maxBatchSize requests per model call at most; reaching it runs a batch at once
 * @param interval     wall-clock period of the punctuator that runs whatever is pending
 * @param timeBudget   after a failed batch, requests are retried one by one until this much time has passed
 *                     in the punctuation; the rest stay pending for the next one
 */
public record BatchSettings(int maxBatchSize, Duration interval, Duration timeBudget) {

    public static final BatchSettings DEFAULTS = new BatchSettings(8, Duration.ofMillis(2), Duration.ofSeconds(5));

    public BatchSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeBudget, "timeBudget");
        if (maxBatchSize <= 0) {
            throw new IllegalArgumentException("maxBatchSize must be positive, got " + maxBatchSize);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        if (timeBudget.isNegative()) {
            throw new IllegalArgumentException("timeBudget must not be negative, got " + timeBudget);
        }
    }
}
