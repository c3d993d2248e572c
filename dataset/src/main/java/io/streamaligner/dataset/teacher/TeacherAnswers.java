package io.streamaligner.dataset.teacher;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the teacher answered in this process, per request and prompt, and the requests whose answer it could not read.
 * The loop's events carry each round's correction but not the teacher's end flag when the upstream ended the answer
 * in the same round (the loop reports the upstream's end first), so the dataset reads the flag here: the answer to the
 * exact prompt of that round. A retried call overwrites its earlier answer. Thread-safe.
 */
public final class TeacherAnswers {

    /**
     * A request the teacher could not annotate.
     *
     * @param prompt     the prompt it could not answer readably
     * @param reason     what was wrong with its last answer
     * @param lastAnswer its last answer, as it wrote it
     */
    public record Rejection(String prompt, String reason, String lastAnswer) {

        public Rejection {
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(lastAnswer, "lastAnswer");
        }
    }

    private final Map<String, Map<String, TeacherAnswer>> answers = new ConcurrentHashMap<>();
    private final Map<String, Rejection> rejections = new ConcurrentHashMap<>();

    void record(String requestId, String prompt, TeacherAnswer answer) {
        answers.computeIfAbsent(requestId, id -> new ConcurrentHashMap<>()).put(prompt, answer);
    }

    void reject(String requestId, Rejection rejection) {
        rejections.put(requestId, rejection);
    }

    /** The teacher's answer to {@code prompt} for the request, if it gave one in this process. */
    public Optional<TeacherAnswer> answerTo(String requestId, String prompt) {
        return Optional.ofNullable(answers.getOrDefault(requestId, Map.of()).get(prompt));
    }

    /** Why the teacher could not annotate the request, if that is how it failed. */
    public Optional<Rejection> rejection(String requestId) {
        return Optional.ofNullable(rejections.get(requestId));
    }

    /** Drops what is kept for a request that is done with. */
    public void forget(String requestId) {
        answers.remove(requestId);
        rejections.remove(requestId);
    }
}
