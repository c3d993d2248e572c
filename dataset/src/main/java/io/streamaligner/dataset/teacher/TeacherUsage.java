package io.streamaligner.dataset.teacher;

/**
 * What the teacher's calls have cost so far, every asking counted (a second asking and the inference stage's retries
 * of a finished call included; a failed call counts only once finished).
 *
 * @param calls            answers received
 * @param promptTokens     prompt tokens the server reported
 * @param completionTokens tokens the teacher wrote (the chunk count where the server reports no usage)
 * @param nanos            time spent in calls, summed over concurrent calls
 */
public record TeacherUsage(long calls, long promptTokens, long completionTokens, long nanos) {

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
