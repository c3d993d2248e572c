package io.streamaligner.client;

import io.streamaligner.schemas.AlignmentRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AlignmentRequestsTest {

    @Test
    void shouldBuildARequestWithAFreshIdAndTheSchemaDefaults() {
        AlignmentRequest first = AlignmentRequests.builder("What is 3 + 4 - 2?").build();
        AlignmentRequest second = AlignmentRequests.builder("What is 3 + 4 - 2?").build();

        assertThat(first.getRequestId()).isNotBlank().isNotEqualTo(second.getRequestId());
        assertThat(first.getQuestion()).isEqualTo("What is 3 + 4 - 2?");
        assertThat(first.getSystemPrompt()).isNull();
        assertThat(first.getMaxRounds()).isEqualTo(16);
        assertThat(first.getGeneration()).isEqualTo(AlignmentRequests.greedy());
        assertThat(first.getGeneration().getTemperature()).isZero();
        assertThat(first.getCreatedAtMs()).isPositive();
    }
}
