package io.streamaligner.topology.app;

import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class StreamThreadFailuresTest {

    private final MovableClock clock = new MovableClock();
    private final StreamThreadFailures failures = new StreamThreadFailures(2, Duration.ofMinutes(1), clock);

    @Test
    void shouldReplaceAThreadThatDiedOfAnException() {
        assertThat(failures.handle(new StreamsException("broker timed out"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldShutDownWhenThreadsKeepDyingWithinTheWindow() {
        failures.handle(new StreamsException("first"));
        clock.advance(Duration.ofSeconds(10));
        failures.handle(new StreamsException("second"));
        clock.advance(Duration.ofSeconds(10));

        assertThat(failures.handle(new StreamsException("third"))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldForgetFailuresOlderThanTheWindow() {
        failures.handle(new StreamsException("first"));
        failures.handle(new StreamsException("second"));
        clock.advance(Duration.ofMinutes(2));

        assertThat(failures.handle(new StreamsException("third"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldShutDownAtOnceOnAnError() {
        assertThat(failures.handle(new StreamsException("task failed", new OutOfMemoryError("heap"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldShutDownAtOnceWhenAnotherInstanceTookItsInstanceId() {
        assertThat(failures.handle(new StreamsException("poll failed",
                new FencedInstanceIdException("the member was fenced by another with the same group.instance.id"))))
                .as("a replaced thread would fence the other back, and so on")
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    private static final class MovableClock extends Clock {

        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
