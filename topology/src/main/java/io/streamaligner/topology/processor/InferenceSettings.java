package io.streamaligner.topology.processor;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link InferenceStage} runs model calls ({@code streamaligner.inference.*}).
 *
 * @param maxInFlight  calls of one model an application instance has in flight at most; more wait in the pending store
 * @param interval     wall-clock period of the punctuator that forwards what the calls wrote
 * @param callTimeout  how long one attempt of a call may take before it is cancelled and tried again
 * @param maxAttempts  attempts of a call at most (retryable failures and timeouts), then the request fails
 * @param retryBackoff wait before the second attempt, doubled for each later one (with jitter)
 */
public record InferenceSettings(int maxInFlight, Duration interval, Duration callTimeout, int maxAttempts,
                                Duration retryBackoff) {

    public static final InferenceSettings DEFAULTS = new InferenceSettings(256, Duration.ofMillis(2), Duration.ofSeconds(60),
            3, Duration.ofMillis(200));

    public InferenceSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        if (maxInFlight <= 0) {
            throw new IllegalArgumentException("maxInFlight must be positive, got " + maxInFlight);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive, got " + callTimeout);
        }
        if (maxAttempts <= 0) {
            throw new IllegalArgumentException("maxAttempts must be positive, got " + maxAttempts);
        }
        if (retryBackoff.isNegative()) {
            throw new IllegalArgumentException("retryBackoff must not be negative, got " + retryBackoff);
        }
    }
}
