package io.streamaligner.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** One corrected sentence as a line of the training format. */
class DatasetRecordTest {

    @Test
    void shouldWriteTheFiveFieldsInTheFormatsOrderOnOneLine() {
        DatasetRecord record = new DatasetRecord("What is 2 + 2?", "", "First, 2 + 2 = 5.", "First, 2 + 2 = 4.", false);

        assertThat(record.toJson()).isEqualTo("{\"question\":\"What is 2 + 2?\",\"prefix\":\"\",\"last\":\"First, 2 + 2 = 5.\","
                + "\"correction\":\"First, 2 + 2 = 4.\",\"eos\":false}");
    }

    @Test
    void shouldKeepLineBreaksQuotesAndNonAsciiTextInsideItsLine() {
        DatasetRecord record = new DatasetRecord("Wie geht's? \"Gut\"", "Zeile 1\nZeile 2", "Ç'est ça…", "Ç'est ça.", true);

        assertThat(record.toJson()).doesNotContain("\n").contains("Ç'est ça…");
        assertThat(DatasetRecord.fromJson(record.toJson())).isEqualTo(record);
    }

    @Test
    void shouldRefuseALineThatIsNotARecord() {
        assertThatThrownBy(() -> DatasetRecord.fromJson("{\"question\": ")).hasMessageStartingWith("not valid JSON");
        assertThatThrownBy(() -> DatasetRecord.fromJson("[1]")).hasMessage("not a JSON object");
        assertThatThrownBy(() -> DatasetRecord.fromJson("{\"question\":\"q\",\"prefix\":\"\",\"last\":\"l\",\"eos\":true}"))
                .hasMessage("\"correction\" must be a string");
        assertThatThrownBy(() -> DatasetRecord.fromJson(
                "{\"question\":\"q\",\"prefix\":\"\",\"last\":\"l\",\"correction\":\"c\",\"eos\":\"yes\"}"))
                .hasMessage("\"eos\" must be true or false");
    }
}
