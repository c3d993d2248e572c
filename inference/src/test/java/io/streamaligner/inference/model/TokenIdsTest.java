package io.streamaligner.inference.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenIdsTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldReadANumberAListOrNothing() throws Exception {
        assertThat(TokenIds.read(json.readTree("7"))).containsExactly(7);
        assertThat(TokenIds.read(json.readTree("[1, 4]"))).containsExactly(1, 4);
        assertThat(TokenIds.read(json.readTree("null"))).isEmpty();
        assertThat(TokenIds.read(null)).isEmpty();
    }
}
