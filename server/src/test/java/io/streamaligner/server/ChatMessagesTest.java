package io.streamaligner.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamaligner.inference.ChatTurns;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatMessagesTest {

    @Test
    void shouldReadAUserMessageAlone() {
        assertThat(parse("{\"messages\": [{\"role\": \"user\", \"content\": \"What is 2 + 3?\"}]}"))
                .isEqualTo(ChatTurns.user("What is 2 + 3?"));
    }

    @Test
    void shouldReadASystemMessageAndTextParts() {
        ChatTurns turns = parse("{\"messages\": [{\"role\": \"developer\", \"content\": \"Be brief.\"},"
                + "{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"a\"}, {\"type\": \"text\", \"text\": \"b\"}]}]}");

        assertThat(turns).isEqualTo(new ChatTurns("Be brief.", "a\nb", ""));
    }

    @Test
    void shouldKeepAnEmptySystemMessageAsASystemTurn() {
        ChatTurns turns = parse("{\"messages\": [{\"role\": \"system\", \"content\": \"\"},"
                + "{\"role\": \"user\", \"content\": \"Hi?\"}]}");

        assertThat(turns).isEqualTo(new ChatTurns("", "Hi?", "", true));
        assertThat(turns.systemTurn()).isTrue();
    }

    @Test
    void shouldContinueAFinalAssistantMessageWithOrWithoutTheFlag() {
        String messages = "\"messages\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": \"Q\"},"
                + "{\"role\": \"assistant\", \"content\": \"First, 2 + 3 = 5.\"}]";
        ChatTurns expected = new ChatTurns("S", "Q", "First, 2 + 3 = 5.");

        assertThat(parse("{" + messages + "}")).isEqualTo(expected);
        assertThat(parse("{" + messages + ", \"continue_final_message\": true, \"add_generation_prompt\": false}"))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"messages\": []}",
            "{\"messages\": \"hi\"}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": \"b\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"},"
                    + " {\"role\": \"user\", \"content\": \"c\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"tool\", \"content\": \"b\"}]}",
            "{\"messages\": [{\"role\": \"assistant\", \"content\": \"a\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"system\", \"content\": \"b\"}]}",
            "{\"messages\": [{\"role\": \"user\"}]}",
            "{\"messages\": [{\"content\": \"a\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": 5}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"continue_final_message\": true}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}],"
                    + " \"continue_final_message\": true, \"add_generation_prompt\": true}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}],"
                    + " \"continue_final_message\": false}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}],"
                    + " \"add_generation_prompt\": true}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"add_generation_prompt\": false}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"continue_final_message\": \"yes\"}"})
    void shouldRejectOtherShapesWithA400(String body) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(ApiError.class, error -> {
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.getMessage()).isNotBlank();
        });
    }

    @Test
    void shouldSayWhatShapeItTakes() {
        assertThatThrownBy(() -> parse("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": \"b\"}]}"))
                .hasMessageContaining("one user message").hasMessageContaining("[user, user]");
    }

    private static ChatTurns parse(String json) {
        ObjectNode body = Json.readObject(json.getBytes(StandardCharsets.UTF_8));
        return ChatMessages.parse(new RequestFields(body));
    }
}
