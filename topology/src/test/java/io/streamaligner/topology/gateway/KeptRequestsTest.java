package io.streamaligner.topology.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeptRequestsTest {

    private final KeptRequests kept = new KeptRequests(2);

    @Test
    void shouldPushOutTheOldestFinishedRequestForANewOne() {
        RequestEvents first = events("r1");
        RequestEvents second = events("r2");
        assertThat(kept.add(first)).isTrue();
        assertThat(kept.add(second)).isTrue();
        second.onFinal(LoopEvents.answerFinal("r2", "done", 1));
        first.onFinal(LoopEvents.answerFinal("r1", "done", 1));

        assertThat(kept.add(events("r3"))).isTrue();

        assertThat(kept.find("r1")).as("the oldest of the finished").isEmpty();
        assertThat(kept.find("r2")).containsSame(second);
        assertThat(kept.all()).extracting(RequestEvents::requestId).containsExactly("r2", "r3");
    }

    @Test
    void shouldTakeNoneWhileEveryKeptRequestIsRunningNorAnIdKeptAlready() {
        RequestEvents first = events("r1");
        kept.add(first);
        kept.add(events("r2"));

        assertThat(kept.add(events("r3"))).isFalse();
        first.giveUp("the application is stopping");
        assertThat(kept.add(events("r2"))).as("the same id twice").isFalse();
        assertThat(kept.add(events("r3"))).isTrue();
        assertThat(kept.find("r3")).isPresent();
    }

    private static RequestEvents events(String requestId) {
        return new RequestEvents(LoopEvents.request(requestId, "q"));
    }
}
