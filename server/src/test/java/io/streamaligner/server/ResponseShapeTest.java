package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseShapeTest {

    private static final List<String> TEXTS = List.of("", " Then", "say \"hi\"\n", "back\\slash\ttab", "\u0000\u001f",
            "é 中文 😀", "\"\\u0000\"", "</script>");

    @Test
    void shouldFormatATextEventAsTheChunkObjectSerialized() {
        List<ResponseShape> shapes = List.of(
                new ResponseShape.Chat("chatcmpl-1", 1_700_000_000L, "toy", false),
                new ResponseShape.Chat("chatcmpl-2", 1_700_000_000L, "toy", true),
                new ResponseShape.Text("cmpl-3", 1_700_000_000L, "toy", true),
                // names that hold what the layout looks for must not confuse it
                new ResponseShape.Chat("id\u0000", 1L, "\u0000\"\\u0000\"", true),
                new ResponseShape.Text("id", 1L, "\u0000", false));
        for (ResponseShape shape : shapes) {
            for (String text : TEXTS) {
                assertThat(shape.textEvent(text)).as(text).isEqualTo(SseStream.event(shape.text(text)));
            }
        }
    }
}
