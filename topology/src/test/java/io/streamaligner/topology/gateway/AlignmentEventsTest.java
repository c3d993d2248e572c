package io.streamaligner.topology.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.server.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AlignmentEventsTest {

    @Test
    void shouldWriteEachEventAsOneServerSentEventWithItsRequestId() throws Exception {
        AlignmentRequest request = AlignmentRequest.newBuilder(LoopEvents.request("r1", "What is 2 + 2?"))
                .setSystemPrompt("Be brief.").setMaxRounds(4)
                .setGeneration(GenerationParams.newBuilder().setTemperature(1.0).setSeed(9).build()).build();

        assertThat(AlignmentEvents.request(request)).isEqualTo("event: request\ndata: {\"request_id\":\"r1\","
                + "\"question\":\"What is 2 + 2?\",\"system\":\"Be brief.\",\"generation\":{\"temperature\":1.0,"
                + "\"top_p\":1.0,\"top_k\":0,\"frequency_penalty\":0.0,\"repetition_penalty\":1.0,\"seed\":9,"
                + "\"max_new_tokens\":64},\"max_rounds\":4}\n\n");
        assertThat(AlignmentEvents.token("r1", 2, " Then")).isEqualTo(
                "event: token\ndata: {\"request_id\":\"r1\",\"round\":2,\"text\":\" Then\"}\n\n");
        assertThat(AlignmentEvents.sentence(LoopEvents.sentence("r1", 1, "2 + 2 = 5.", "2 + 2 = 4."), 130)).isEqualTo(
                "event: sentence\ndata: {\"request_id\":\"r1\",\"round\":1,\"original\":\"2 + 2 = 5.\","
                        + "\"corrected\":\"2 + 2 = 4.\",\"changed\":true,\"upstream_ms\":12,\"aligner_ms\":5,"
                        + "\"elapsed_ms\":130}\n\n");
        assertThat(AlignmentEvents.error(LoopEvents.error("r1", 2, "the upstream failed"))).isEqualTo(
                "event: error\ndata: {\"request_id\":\"r1\",\"stage\":\"UPSTREAM\",\"round\":2,"
                        + "\"message\":\"the upstream failed\"}\n\n");
        assertThat(AlignmentEvents.gatewayError("r1", "stopping")).isEqualTo(
                "event: error\ndata: {\"request_id\":\"r1\",\"stage\":\"GATEWAY\",\"round\":0,\"message\":\"stopping\"}\n\n");
        assertThat(AlignmentEvents.answerFinal(LoopEvents.answerFinal("r1", "2 + 2 = 4.", 1), 140)).isEqualTo(
                "event: final\ndata: {\"request_id\":\"r1\",\"answer\":\"2 + 2 = 4.\",\"rounds\":1,"
                        + "\"finish_reason\":\"UPSTREAM_END\",\"upstream_tokens\":20,\"aligner_tokens\":18,"
                        + "\"upstream_ms\":40,\"aligner_ms\":15,\"total_ms\":90,\"elapsed_ms\":140}\n\n");
    }

    @Test
    void shouldKeepModelTextOnOneDataLineWhateverItHolds() throws Exception {
        String hostile = "line one\nline two\r\n\nevent: final\ndata: {}\u2028<script>&amp;";

        String event = AlignmentEvents.token("r1", 1, hostile);

        assertThat(event.split("\n")).hasSize(2).allSatisfy(line -> assertThat(line).doesNotContain("\r"));
        assertThat(event).startsWith("event: token\ndata: ").endsWith("}\n\n");
        JsonNode data = Json.MAPPER.readTree(event.substring(event.indexOf("data: ") + 6));
        assertThat(data.path("text").asText()).isEqualTo(hostile);
    }
}
