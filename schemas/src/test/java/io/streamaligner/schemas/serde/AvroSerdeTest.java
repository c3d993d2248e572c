package io.streamaligner.schemas.serde;

import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.schemas.SentenceAligned;
import io.streamaligner.schemas.StepEnd;
import io.streamaligner.schemas.SuffixSentence;
import io.streamaligner.schemas.TokenDelta;
import io.streamaligner.schemas.UpstreamFinish;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeTest {

    private final AvroSerde<AlignmentRequest> requests = AvroSerde.of(AlignmentRequest.class);

    static AlignmentRequest request(String id) {
        return AlignmentRequest.newBuilder().setRequestId(id).setQuestion("What is 2 + 3?").setCreatedAtMs(42).build();
    }

    static AlignedPrefix prefix(String id) {
        return AlignedPrefix.newBuilder().setRequest(request(id)).setAlignedPrefix("2 + 3 = 5.").setRound(1).build();
    }

    @Test
    void shouldFillRequestDefaultsForGreedySixteenRounds() {
        AlignmentRequest request = request("r1");

        assertThat(request.getSystemPrompt()).isNull();
        assertThat(request.getMaxRounds()).isEqualTo(16);
        assertThat(request.getGeneration().getTemperature()).isZero();
        assertThat(request.getGeneration().getTopP()).isEqualTo(1.0);
        assertThat(request.getGeneration().getTopK()).isZero();
        assertThat(request.getGeneration().getRepetitionPenalty()).isEqualTo(1.0);
    }

    @Test
    void shouldRoundTripARecordOfEveryTopic() {
        AlignedPrefix context = prefix("r1");
        List<SpecificRecord> records = List.of(
                request("r1"),
                context,
                TokenDelta.newBuilder().setRequestId("r1").setRound(2).setIndex(3).setText(" So")
                        .setEnd(StepEnd.newBuilder().setFinish(UpstreamFinish.SENTENCE).setGeneratedTokens(4)
                                .setUpstreamMs(7).setContext(context).build()).build(),
                SuffixSentence.newBuilder().setRequestId("r1").setRound(2).setSentence("So it is 5.")
                        .setUpstreamFinish(UpstreamFinish.END).setUpstreamTokens(4).setUpstreamMs(7)
                        .setContext(context).build(),
                response(SentenceAligned.newBuilder().setRequestId("r1").setRound(2).setOriginal("a").setCorrected("b")
                        .setChanged(true).setUpstreamMs(1).setAlignerMs(2).build()),
                response(AnswerFinal.newBuilder().setRequestId("r1").setAnswer("b").setRounds(2)
                        .setFinishReason(AnswerFinishReason.UPSTREAM_END).setUpstreamTokens(8).setAlignerTokens(3)
                        .setUpstreamMs(5).setAlignerMs(6).setTotalMs(20).build()),
                response(AlignmentError.newBuilder().setRequestId("r1").setStage(AlignmentStage.ALIGNER).setRound(2)
                        .setMessage("boom").build()));

        for (SpecificRecord record : records) {
            assertThat(roundTrip(record)).isEqualTo(record);
        }
    }

    @Test
    void shouldReadRequestWrittenWithOlderSchemaFillingDefaults() throws IOException {
        Schema v1 = SchemaHistory.olderVersions(AlignmentRequest.getClassSchema()).get(0);
        assertThat(v1.getField("generation")).as("v1 predates generation params").isNull();
        GenericRecord written = new GenericData.Record(v1);
        written.put("request_id", "old-1");
        written.put("question", "What is 7 - 2?");
        written.put("system_prompt", "Be brief.");
        written.put("created_at_ms", 1234L);

        AlignmentRequest read = requests.decode(encodeWith(v1, written));

        assertThat(read.getRequestId()).isEqualTo("old-1");
        assertThat(read.getQuestion()).isEqualTo("What is 7 - 2?");
        assertThat(read.getSystemPrompt()).isEqualTo("Be brief.");
        assertThat(read.getCreatedAtMs()).isEqualTo(1234L);
        assertThat(read.getMaxRounds()).isEqualTo(16);
        assertThat(read.getMaxTotalTokens()).isEqualTo(1024);
        assertThat(read.getGeneration()).isEqualTo(GenerationParams.newBuilder().build());
    }

    @Test
    void shouldKeepEveryHistorySchemaReadableByTheCurrentOne() {
        Schema current = AlignmentRequest.getClassSchema();
        List<Schema> history = SchemaHistory.olderVersions(current);

        assertThat(history).isNotEmpty();
        for (Schema older : history) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, older).getType())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void shouldRejectUnknownFingerprintWithTypedError() throws IOException {
        Schema unknownVersion = SchemaBuilder.record("AlignmentRequest").namespace("io.streamaligner.schemas")
                .fields().requiredString("request_id").requiredInt("priority").endRecord();
        GenericRecord written = new GenericData.Record(unknownVersion);
        written.put("request_id", "x");
        written.put("priority", 3);
        byte[] bytes = encodeWith(unknownVersion, written);

        assertThatThrownBy(() -> requests.decode(bytes))
                .isInstanceOfSatisfying(UnknownSchemaException.class, e -> {
                    assertThat(e.reason()).isEqualTo("UNKNOWN_SCHEMA");
                    assertThat(e.fingerprint()).isEqualTo(org.apache.avro.SchemaNormalization.parsingFingerprint64(unknownVersion));
                    assertThat(e.getMessage()).contains("io.streamaligner.schemas.AlignmentRequest");
                });
    }

    @Test
    void shouldRejectGarbageBytesWithTypedError() {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> requests.decode(garbage))
                .isInstanceOf(MalformedRecordException.class)
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not single-object encoded");
        assertThatThrownBy(() -> requests.decode(new byte[0])).isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void shouldRejectTruncatedBodyWithTypedError() {
        byte[] whole = requests.encode(request("r1"));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 5);

        assertThatThrownBy(() -> requests.decode(truncated))
                .isInstanceOfSatisfying(MalformedRecordException.class, e -> assertThat(e.reason()).isEqualTo("MALFORMED"));
    }

    @Test
    void shouldWriteSingleObjectHeaderWithCurrentFingerprint() {
        byte[] bytes = requests.encode(request("r1"));

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = java.nio.ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(org.apache.avro.SchemaNormalization.parsingFingerprint64(requests.schema()));
    }

    @Test
    void shouldServeKafkaClientsAndPassNullsThrough() {
        Serde<AlignmentRequest> serde = requests;
        byte[] bytes = serde.serializer().serialize("prompts", request("r1"));

        assertThat(serde.deserializer().deserialize("prompts", bytes)).isEqualTo(request("r1"));
        assertThat(serde.serializer().serialize("prompts", null)).isNull();
        assertThat(serde.deserializer().deserialize("prompts", null)).isNull();
    }

    private static AlignmentResponse response(Object event) {
        return AlignmentResponse.newBuilder().setRequestId("r1").setEvent(event).build();
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> T roundTrip(T record) {
        AvroSerde<T> serde = AvroSerde.of((Class<T>) record.getClass());
        return serde.decode(serde.encode(record));
    }

    private static byte[] encodeWith(Schema writer, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record, out);
        return out.toByteArray();
    }
}
