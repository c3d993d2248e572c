package io.streamaligner.inference.http;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseEventReaderTest {

    /** The events the reader yields for these lines, the end of the stream included. */
    private static List<String> events(String... lines) {
        return read(lines).stream().map(SseEventReader.Event::data).toList();
    }

    private static List<SseEventReader.Event> read(String... lines) {
        SseEventReader reader = new SseEventReader();
        List<SseEventReader.Event> events = new ArrayList<>();
        for (String line : lines) {
            reader.accept(line).ifPresent(events::add);
        }
        reader.finish().ifPresent(events::add);
        return events;
    }

    @Test
    void shouldYieldTheDataOfEachEventAtTheBlankLine() {
        SseEventReader reader = new SseEventReader();

        assertThat(reader.accept("data: {\"a\":1}")).isEmpty();
        assertThat(reader.accept("")).contains(SseEventReader.Event.data("{\"a\":1}"));
        assertThat(reader.accept("data: [DONE]")).isEmpty();
        assertThat(reader.accept("")).contains(SseEventReader.Event.data(SseEventReader.DONE));
    }

    @Test
    void shouldJoinTheDataLinesOfOneEventWithNewlines() {
        assertThat(events("data: {\"a\":", "data: 1}", "")).containsExactly("{\"a\":\n1}");
    }

    @Test
    void shouldSkipCommentLines() {
        assertThat(events(": keep-alive", "", "data: x", ": ping in the middle", "data: y", ""))
                .containsExactly("x\ny");
    }

    @Test
    void shouldIgnoreTheOtherFields() {
        assertThat(events("event: message", "id: 7", "retry: 3000", "data: x", "")).containsExactly("x");
    }

    @Test
    void shouldTakeAnErrorFieldAsAnErrorEventAsLlamaCppSendsIt() {
        assertThat(read("data: {\"a\":1}", "", "error: {\"code\":400,\"type\":\"exceed_context_size_error\"}", "",
                "data: [DONE]", "")).containsExactly(SseEventReader.Event.data("{\"a\":1}"),
                new SseEventReader.Event("{\"code\":400,\"type\":\"exceed_context_size_error\"}", true),
                SseEventReader.Event.data(SseEventReader.DONE));
    }

    @Test
    void shouldTakeAnEventNamedErrorAsAnErrorUntilItsEnd() {
        assertThat(read("event: error", "data: {\"message\":\"boom\"}", "", "data: x", "", "event: error", "", "data: y",
                "")).containsExactly(new SseEventReader.Event("{\"message\":\"boom\"}", true),
                SseEventReader.Event.data("x"), SseEventReader.Event.data("y"));
        // the last event: line names the type
        assertThat(read("event: error", "event: message", "data: z", "")).containsExactly(SseEventReader.Event.data("z"));
    }

    @Test
    void shouldYieldNothingForAnEventWithoutData() {
        assertThat(events("event: ping", "", "", "")).isEmpty();
    }

    @Test
    void shouldDropOnlyOneSpaceAfterTheColon() {
        assertThat(events("data:x", "", "data:  two spaces", "")).containsExactly("x", " two spaces");
    }

    @Test
    void shouldTakeAFieldNameWithoutAColonAsEmptyData() {
        assertThat(events("data", "")).containsExactly("");
    }

    @Test
    void shouldIgnoreAByteOrderMarkBeforeTheFirstLine() {
        assertThat(events("\uFEFFdata: x", "")).containsExactly("x");
    }

    @Test
    void shouldYieldTheLastEventWhenTheStreamEndsWithoutItsBlankLine() {
        SseEventReader reader = new SseEventReader();
        reader.accept("data: [DONE]");

        assertThat(reader.finish()).contains(SseEventReader.Event.data(SseEventReader.DONE));
    }

    @Test
    void shouldYieldNothingAtTheEndOfAStreamWhoseLastEventWasComplete() {
        SseEventReader reader = new SseEventReader();
        reader.accept("data: [DONE]");
        reader.accept("");

        assertThat(reader.finish()).isEmpty();
    }

    @Test
    void shouldKeepMultiByteTextIntact() {
        assertThat(events("data: {\"content\":\"café 東京 😀\"}", ""))
                .containsExactly("{\"content\":\"café 東京 😀\"}");
    }
}
