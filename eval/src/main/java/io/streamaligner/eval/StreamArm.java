package io.streamaligner.eval;

import io.streamaligner.client.AlignmentClient;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.schemas.AlignmentError;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.SentenceAligned;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;

/**
 * The {@code stream} arm: the real Kafka stream aligner loop. Each question goes to the {@code prompts} topic as an
 * {@link AlignmentRequest} through an {@link AlignmentClient}, and the arm times the {@code SentenceAligned} events
 * as the client receives them: its time to first aligned sentence runs from submitting to the first such event,
 * and each round is the gap between successive events (the first from submitting).
 */
public final class StreamArm implements EvalArm {

    private final AlignmentClient client;
    private final int maxRounds;
    private final int maxTokens;

    /**
     * @param client    connected to the running application's topics; its answer timeout bounds each question
     * @param maxRounds the request's {@code max_rounds}
     * @param maxTokens the request's {@code max_total_tokens}
     */
    public StreamArm(AlignmentClient client, int maxRounds, int maxTokens) {
        this.client = Objects.requireNonNull(client, "client");
        this.maxRounds = maxRounds;
        this.maxTokens = maxTokens;
    }

    @Override
    public ArmName name() {
        return ArmName.STREAM;
    }

    @Override
    public ArmAnswer answer(String requestId, String question, QuestionSampling sampling) throws Exception {
        AlignmentRequest request = AlignmentRequests.builder(requestId, question)
                .setGeneration(sampling.params())
                .setMaxRounds(maxRounds)
                .setMaxTotalTokens(maxTokens)
                .build();
        SentenceTimes times = new SentenceTimes(System.nanoTime());
        AnswerFinal answer;
        try {
            answer = client.submit(request, times).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        long total = System.nanoTime() - times.start;
        return times.answer(answer, total);
    }

    /** Collects one request's sentence events with their arrival times (on the client's consumer thread). */
    private static final class SentenceTimes implements ResponseListener {

        private final long start;
        private final List<SentenceRevision> revisions = new ArrayList<>();
        private final List<Long> arrivals = new ArrayList<>();
        private String error;

        SentenceTimes(long start) {
            this.start = start;
        }

        @Override
        public synchronized void onSentence(SentenceAligned sentence) {
            arrivals.add(System.nanoTime() - start);
            revisions.add(new SentenceRevision(sentence.getOriginal(), sentence.getCorrected()));
        }

        @Override
        public synchronized void onError(AlignmentError failure) {
            error = failure.getStage() + " round " + failure.getRound() + ": " + failure.getMessage();
        }

        synchronized ArmAnswer answer(AnswerFinal answer, long totalNanos) {
            List<Long> roundNanos = new ArrayList<>(arrivals.size());
            for (int i = 0; i < arrivals.size(); i++) {
                roundNanos.add(arrivals.get(i) - (i == 0 ? 0 : arrivals.get(i - 1)));
            }
            Optional<String> failure = answer.getFinishReason() == AnswerFinishReason.ERROR
                    ? Optional.of(error == null ? "the loop ended the request with ERROR" : error) : Optional.empty();
            OptionalLong first = arrivals.isEmpty() ? OptionalLong.empty() : OptionalLong.of(arrivals.get(0));
            return new ArmAnswer(answer.getAnswer(), revisions, answer.getRounds(), first, roundNanos, totalNanos,
                    answer.getFinishReason().name(), failure);
        }
    }
}
