package io.streamaligner.topology.gateway;

import io.streamaligner.schemas.AlignmentRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.streamaligner.topology.gateway.LoopEvents.answerFinal;
import static io.streamaligner.topology.gateway.LoopEvents.delta;
import static io.streamaligner.topology.gateway.LoopEvents.error;
import static io.streamaligner.topology.gateway.LoopEvents.sentence;
import static org.assertj.core.api.Assertions.assertThat;

class RequestEventsTest {

    private static final Pattern ELAPSED = Pattern.compile("\"elapsed_ms\":\\d+");

    private final AlignmentRequest request = LoopEvents.request("r1", "What is 2 + 3 - 1?");
    private final RequestEvents events = new RequestEvents(request);

    @Test
    void shouldWriteEachEventToAStreamAsItComesThenEndWithTheFinal() {
        RecordingSink stream = new RecordingSink();
        events.follow(stream);
        assertThat(stream.written()).as("the request first, at once").isEqualTo(AlignmentEvents.request(request));

        events.onUpstreamDelta(delta("r1", 1, 0, "First"));
        events.onUpstreamDelta(delta("r1", 1, 1, ", 2 + 3 = 6."));
        events.onSentence(sentence("r1", 1, "First, 2 + 3 = 6.", "First, 2 + 3 = 5."));
        events.onUpstreamDelta(delta("r1", 2, 0, " The answer is 4."));
        assertThat(stream.ended()).isFalse();
        events.onSentence(sentence("r1", 2, "The answer is 4.", "The answer is 4."));
        events.onFinal(answerFinal("r1", "First, 2 + 3 = 5. The answer is 4.", 2));

        assertThat(names(stream.written())).containsExactly("request", "token", "token", "sentence", "token", "sentence",
                "final");
        assertThat(stream.ended()).isTrue();
        assertThat(events.ended()).isTrue();
        events.onUpstreamDelta(delta("r1", 3, 0, " late"));
        assertThat(names(stream.text())).as("nothing after the final").endsWith("final");
    }

    @Test
    void shouldReplayThePastWithEachSettledRoundsTokensJoinedThenGoOnLive() {
        events.onUpstreamDelta(delta("r1", 1, 0, "First"));
        events.onUpstreamDelta(delta("r1", 1, 1, ", 2 + 3 = 6."));
        events.onSentence(sentence("r1", 1, "First, 2 + 3 = 6.", "First, 2 + 3 = 5."));
        events.onUpstreamDelta(delta("r1", 2, 0, " The answer"));
        events.onUpstreamDelta(delta("r1", 2, 1, " is"));

        RecordingSink late = new RecordingSink();
        events.follow(late);

        assertThat(atZero(late.written())).isEqualTo(AlignmentEvents.request(request)
                + AlignmentEvents.token("r1", 1, "First, 2 + 3 = 6.")
                + AlignmentEvents.sentence(sentence("r1", 1, "First, 2 + 3 = 6.", "First, 2 + 3 = 5."), 0)
                + AlignmentEvents.token("r1", 2, " The answer is"));
        events.onUpstreamDelta(delta("r1", 2, 2, " 4."));
        events.onSentence(sentence("r1", 2, "The answer is 4.", "The answer is 4."));
        events.onFinal(answerFinal("r1", "First, 2 + 3 = 5. The answer is 4.", 2));
        assertThat(names(late.written())).containsExactly("request", "token", "sentence", "token", "token", "sentence",
                "final");

        RecordingSink afterTheEnd = new RecordingSink();
        events.follow(afterTheEnd);
        assertThat(names(afterTheEnd.written())).containsExactly("request", "token", "sentence", "token", "sentence",
                "final");
        assertThat(afterTheEnd.written()).contains(AlignmentEvents.token("r1", 2, " The answer is 4."));
        assertThat(afterTheEnd.ended()).isTrue();
    }

    @Test
    void shouldKeepTheProvisionalTextOfAFailedRoundBeforeItsError() {
        events.onUpstreamDelta(delta("r1", 1, 0, "First, 2"));
        events.onError(error("r1", 1, "the upstream failed"));
        events.onFinal(answerFinal("r1", "", 0));

        RecordingSink replay = new RecordingSink();
        events.follow(replay);

        assertThat(names(replay.written())).containsExactly("request", "token", "error", "final");
    }

    @Test
    void shouldStopWritingToAStreamWhoseClientWentWhileTheRequestGoesOn() {
        RecordingSink gone = new RecordingSink();
        RecordingSink staying = new RecordingSink();
        events.follow(gone);
        events.follow(staying);

        events.unfollow(gone);
        events.onUpstreamDelta(delta("r1", 1, 0, "First"));
        events.onFinal(answerFinal("r1", "First.", 1));

        assertThat(names(gone.text())).containsExactly("request");
        assertThat(names(staying.text())).containsExactly("request", "token", "final");
    }

    @Test
    void shouldEndWithAGatewayErrorWhenTheFinalWillNotComeThroughTheGateway() {
        RecordingSink stream = new RecordingSink();
        events.follow(stream);

        events.giveUp("no final event for request r1 within PT5M");
        events.onFinal(answerFinal("r1", "late", 1));

        assertThat(names(stream.text())).containsExactly("request", "error");
        assertThat(stream.text()).contains("\"stage\":\"GATEWAY\"").contains("within PT5M");
        assertThat(stream.ended()).isTrue();
        assertThat(events.ended()).isTrue();
    }

    /** The events with every {@code elapsed_ms} 0, which a test cannot know. */
    private static String atZero(String events) {
        return ELAPSED.matcher(events).replaceAll("\"elapsed_ms\":0");
    }

    private static List<String> names(String stream) {
        List<String> names = new ArrayList<>();
        Matcher name = Pattern.compile("(?m)^event: (\\w+)$").matcher(stream);
        while (name.find()) {
            names.add(name.group(1));
        }
        return names;
    }
}
