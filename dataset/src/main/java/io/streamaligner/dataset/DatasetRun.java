package io.streamaligner.dataset;

import io.streamaligner.client.ResponseListener;
import io.streamaligner.dataset.teacher.TeacherAligner;
import io.streamaligner.dataset.teacher.TeacherPrompt;
import io.streamaligner.eval.EvalItem;
import io.streamaligner.eval.ProgressBar;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One run of the teacher loop over a plan's questions: asks the loop (the application with {@link TeacherAligner} in
 * the aligner's place) at most {@code concurrency} questions at a time and, as each answer ends, writes what it came to
 * ({@link QuestionEvents#outcome}): its records to the dataset, or the question to the rejects file, or a note that it
 * failed and is not written. Files are written on the calling thread only, one question at a time, so a question's
 * lines are never interleaved with another's. Asked to stop (Ctrl-C), it writes the answers that have already come and
 * returns: the questions still in flight are left to the next run.
 */
public final class DatasetRun {

    /** Where questions are asked: the loop's client ({@code AlignmentClient::submit}). */
    @FunctionalInterface
    public interface Loop {
        /** Sends the request; the future completes after the listener has had the request's final event. */
        CompletableFuture<AnswerFinal> submit(AlignmentRequest request, ResponseListener listener);
    }

    /** A question the loop would refuse, found before it is sent: rejected for good, in round 0. */
    private static final class RefusedByTheLoop extends RuntimeException {
        RefusedByTheLoop(String reason) {
            super(reason, null, false, false);
        }
    }

    private record Answered(EvalItem item, String requestId, QuestionEvents events, Throwable failure) {
    }

    /** How often a run waiting for answers looks whether it was asked to stop. */
    private static final long STOP_CHECK_MILLIS = 100;

    private final Loop loop;
    private final TeacherAligner teacher;
    private final TeacherPrompt prompt;
    private final QuestionRequests requests;
    private final int concurrency;

    /**
     * @param teacher     the aligner the loop runs, whose answers and usage this reads
     * @param prompt      the prompt the loop renders for it
     * @param concurrency questions in flight at most
     */
    public DatasetRun(Loop loop, TeacherAligner teacher, TeacherPrompt prompt, QuestionRequests requests, int concurrency) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.teacher = Objects.requireNonNull(teacher, "teacher");
        this.prompt = Objects.requireNonNull(prompt, "prompt");
        this.requests = Objects.requireNonNull(requests, "requests");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.concurrency = concurrency;
    }

    /**
     * Asks the plan's questions and writes their outcomes.
     *
     * @param runId    makes request ids unique across runs sharing a broker
     * @param progress stepped once per question
     * @param notes    told each question that failed, in a line
     * @param stop     whether the run should stop: it is checked between answers, never inside a write
     * @throws DatasetFileException if a file cannot be written; the questions still in flight are then lost to this run
     */
    public DatasetSummary run(DatasetPlan plan, DatasetFile out, RejectsFile rejects, String runId, ProgressBar progress,
                              Consumer<String> notes, BooleanSupplier stop) throws InterruptedException {
        long start = System.nanoTime();
        BlockingQueue<Answered> answered = new LinkedBlockingQueue<>();
        Iterator<EvalItem> next = plan.todo().iterator();
        int asked = 0;
        int inFlight = 0;
        int written = 0;
        int sentences = 0;
        int changed = 0;
        int rejected = 0;
        int failed = 0;
        progress.start("dataset", plan.todo().size());
        while (next.hasNext() || inFlight > 0) {
            boolean stopping = stop.getAsBoolean();
            if (!stopping && next.hasNext() && inFlight < concurrency) {
                ask(next.next(), runId, answered);
                asked++;
                inFlight++;
                continue;
            }
            // stopping: what has come is still written, nothing more is waited for
            Answered done = stopping ? answered.poll() : answered.poll(STOP_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            if (done == null) {
                if (stopping) {
                    break;
                }
                continue;
            }
            inFlight--;
            QuestionOutcome outcome = done.failure() instanceof RefusedByTheLoop refused
                    ? new QuestionOutcome.Rejected(new RejectedQuestion(done.item().question(), done.item().lineNumber(),
                            0, refused.getMessage(), Optional.empty()))
                    : done.failure() != null ? new QuestionOutcome.Failed(message(done.failure()))
                    : done.events().outcome(done.item(), done.requestId(), teacher.answers(), prompt);
            teacher.answers().forget(done.requestId());
            if (outcome instanceof QuestionOutcome.Written records) {
                out.append(records.records());
                written++;
                sentences += records.records().size();
                changed += records.changed();
            } else if (outcome instanceof QuestionOutcome.Rejected reject) {
                rejects.append(reject.question());
                rejected++;
            } else if (outcome instanceof QuestionOutcome.Failed failure) {
                notes.accept("line " + done.item().lineNumber() + " failed, not written: " + failure.reason());
                failed++;
            }
            progress.step();
        }
        progress.finish();
        int finished = written + rejected + failed;
        return new DatasetSummary(asked, plan.doneBefore(), written, sentences, changed, rejected, failed,
                plan.todo().size() - finished, teacher.usage(), System.nanoTime() - start);
    }

    private void ask(EvalItem item, String runId, BlockingQueue<Answered> answered) {
        String requestId = runId + "-" + item.lineNumber();
        QuestionEvents events = new QuestionEvents();
        AlignmentRequest request = requests.request(requestId, item);
        Optional<String> refusal = requests.refusal(request);
        if (refusal.isPresent()) {
            answered.add(new Answered(item, requestId, events, new RefusedByTheLoop(refusal.get())));
            return;
        }
        CompletableFuture<AnswerFinal> answer;
        try {
            answer = loop.submit(request, events);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((ignored, failure) -> answered.add(new Answered(item, requestId, events, failure)));
    }

    private static String message(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
