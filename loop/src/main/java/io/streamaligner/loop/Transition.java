package io.streamaligner.loop;

import io.streamaligner.schemas.AlignmentResponse;
import io.streamaligner.schemas.AnswerFinal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one step of {@link AlignmentLoop} decided: the events it emits on the {@code responses} topic, in order, and
 * what the request goes on with, absent when the request has ended (its last event is then its {@link AnswerFinal}).
 *
 * @param events the response events, possibly none
 * @param next   the next state or model call, empty once the request has ended
 * @param <S>    what the request goes on with
 */
public record Transition<S>(List<AlignmentResponse> events, Optional<S> next) {

    public Transition {
        events = List.copyOf(Objects.requireNonNull(events, "events"));
        Objects.requireNonNull(next, "next");
        if (next.isEmpty() && answerFinalOf(events).isEmpty()) {
            throw new IllegalArgumentException("a transition that ends the request must emit its final event last");
        }
    }

    static <S> Transition<S> goOn(S next, List<AlignmentResponse> events) {
        return new Transition<>(events, Optional.of(Objects.requireNonNull(next, "next")));
    }

    static <S> Transition<S> end(List<AlignmentResponse> events) {
        return new Transition<>(events, Optional.empty());
    }

    /** Whether the request ended with this transition. */
    public boolean ended() {
        return next.isEmpty();
    }

    /** The request's final event, when this transition ended it. */
    public Optional<AnswerFinal> answerFinal() {
        return answerFinalOf(events);
    }

    private static Optional<AnswerFinal> answerFinalOf(List<AlignmentResponse> events) {
        return events.isEmpty() || !(events.get(events.size() - 1).getEvent() instanceof AnswerFinal last)
                ? Optional.empty() : Optional.of(last);
    }
}
