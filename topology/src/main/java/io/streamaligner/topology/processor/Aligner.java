package io.streamaligner.topology.processor;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AlignmentStage;
import io.streamaligner.schemas.AnswerFinishReason;
import io.streamaligner.schemas.RequestProgress;
import io.streamaligner.schemas.SuffixSentence;
import io.streamaligner.schemas.serde.AvroSerde;
import io.streamaligner.topology.AlignerPrompt;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Corrects each {@link SuffixSentence} with the aligner model and decides how the loop goes on: forwards a
 * per-sentence event to the responses child, then either the new {@link AlignedPrefix} (correction appended with
 * one space) to the feedback child for the next round, or the request's one final event when a stop rule of
 * {@link LoopRules#endAfterRound} holds. A failed correction ends the request with an error and a final event.
 *
 * <p>Model calls are batched across requests by {@link InferenceBatcher} over {@value #PENDING_STORE}. The
 * {@value #PROGRESS_STORE} store keeps each request's last aligned round, so a sentence seen again (a replay under
 * at_least_once) neither forks the loop nor ends a request twice; entries idle longer than the retention are purged.
 */
public final class Aligner implements Processor<String, SuffixSentence, String, Object>,
        InferenceBatcher.Step<SuffixSentence> {

    public static final String PENDING_STORE = "aligner-pending";
    public static final String PROGRESS_STORE = "aligner-progress";

    private static final Logger LOG = LoggerFactory.getLogger(Aligner.class);

    private final InferenceBatcher<SuffixSentence> batcher;
    private final AlignerPrompt prompt;
    private final int maxCorrectionTokens;
    private final Duration progressRetention;
    private final String feedbackChild;
    private final String responsesChild;
    private KeyValueStore<String, RequestProgress> progress;
    private ProcessorContext<String, Object> context;

    public Aligner(TextGenerator aligner, AlignerPrompt prompt, BatchSettings batch, int maxCorrectionTokens,
                   Duration progressRetention, String feedbackChild, String responsesChild) {
        this.batcher = new InferenceBatcher<>(PENDING_STORE, aligner, batch, this);
        this.prompt = Objects.requireNonNull(prompt, "prompt");
        this.maxCorrectionTokens = maxCorrectionTokens;
        this.progressRetention = Objects.requireNonNull(progressRetention, "progressRetention");
        this.feedbackChild = Objects.requireNonNull(feedbackChild, "feedbackChild");
        this.responsesChild = Objects.requireNonNull(responsesChild, "responsesChild");
    }

    /** Sentences waiting for correction, changelogged so that a restart re-runs them. */
    public static StoreBuilder<KeyValueStore<String, SuffixSentence>> pendingStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.String(),
                AvroSerde.of(SuffixSentence.class));
    }

    /** Last aligned round per request. */
    public static StoreBuilder<KeyValueStore<String, RequestProgress>> progressStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PROGRESS_STORE), Serdes.String(),
                AvroSerde.of(RequestProgress.class));
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.progress = context.getStateStore(PROGRESS_STORE);
        batcher.init(context);
        Duration purgeEvery = progressRetention.compareTo(Duration.ofMinutes(1)) < 0 ? progressRetention : Duration.ofMinutes(1);
        context.schedule(purgeEvery, PunctuationType.WALL_CLOCK_TIME, this::purgeIdleProgress);
    }

    @Override
    public void process(Record<String, SuffixSentence> record) {
        String requestId = record.key();
        SuffixSentence sentence = record.value();
        RequestProgress seen = progress.get(requestId);
        if (seen != null && (seen.getFinished() || sentence.getRound() <= seen.getRound())) {
            LOG.debug("dropping replayed sentence of {} round {}", requestId, sentence.getRound());
            return;
        }
        if (sentence.getSentence().isEmpty()) {
            // the upstream wrote nothing more: the answer is what is aligned so far
            AlignedPrefix before = sentence.getContext();
            finish(requestId, AlignedPrefix.newBuilder(before)
                    .setUpstreamTokens(before.getUpstreamTokens() + sentence.getUpstreamTokens())
                    .setUpstreamMs(before.getUpstreamMs() + sentence.getUpstreamMs())
                    .build(), AnswerFinishReason.UPSTREAM_END);
            return;
        }
        batcher.add(requestId, sentence);
    }

    @Override
    public CompletionRequest request(String requestId, SuffixSentence sentence) {
        AlignedPrefix before = sentence.getContext();
        AlignmentRequest request = before.getRequest();
        return LoopRules.correctionRequest(requestId, request.getQuestion(), request.getGeneration(), before.getAlignedPrefix(),
                sentence.getSentence(), sentence.getRound(), prompt, maxCorrectionTokens);
    }

    @Override
    public void completed(String requestId, SuffixSentence sentence, Completion completion, List<String> deltas) {
        AlignedPrefix before = sentence.getContext();
        AlignmentRequest request = before.getRequest();
        String corrected = LoopRules.correction(completion.text(), sentence.getSentence());
        long alignerMs = completion.nanos() / 1_000_000;
        AlignedPrefix after = AlignedPrefix.newBuilder(before)
                .setAlignedPrefix(LoopRules.appendCorrection(before.getAlignedPrefix(), corrected))
                .setRound(sentence.getRound())
                .setUpstreamTokens(before.getUpstreamTokens() + sentence.getUpstreamTokens())
                .setAlignerTokens(before.getAlignerTokens() + completion.generatedTokens())
                .setUpstreamMs(before.getUpstreamMs() + sentence.getUpstreamMs())
                .setAlignerMs(before.getAlignerMs() + alignerMs)
                .build();
        long now = context.currentSystemTimeMs();
        context.forward(new Record<>(requestId, ResponseEvents.sentenceAligned(requestId, sentence.getRound(),
                sentence.getSentence(), corrected, sentence.getUpstreamMs(), alignerMs), now), responsesChild);

        Optional<AnswerFinishReason> end = LoopRules.endAfterRound(sentence.getUpstreamFinish(), completion.finishReason(),
                after.getRound(), request.getMaxRounds(), after.getUpstreamTokens(), request.getMaxTotalTokens());
        if (end.isPresent()) {
            finish(requestId, after, end.get());
        } else {
            progress.put(requestId, new RequestProgress(after.getRound(), false, now));
            context.forward(new Record<>(requestId, after, now), feedbackChild);
        }
    }

    @Override
    public void failed(String requestId, SuffixSentence sentence, RuntimeException error) {
        long now = context.currentSystemTimeMs();
        context.forward(new Record<>(requestId,
                ResponseEvents.error(requestId, AlignmentStage.ALIGNER, sentence.getRound(), error), now), responsesChild);
        finish(requestId, sentence.getContext(), AnswerFinishReason.ERROR);
    }

    private void finish(String requestId, AlignedPrefix answer, AnswerFinishReason reason) {
        long now = context.currentSystemTimeMs();
        progress.put(requestId, new RequestProgress(answer.getRound(), true, now));
        context.forward(new Record<>(requestId, ResponseEvents.answerFinal(requestId, answer, reason, now), now), responsesChild);
    }

    private void purgeIdleProgress(long now) {
        long oldest = now - progressRetention.toMillis();
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, RequestProgress> entries = progress.all()) {
            while (entries.hasNext()) {
                KeyValue<String, RequestProgress> entry = entries.next();
                if (entry.value.getUpdatedAtMs() < oldest) {
                    idle.add(entry.key);
                }
            }
        }
        idle.forEach(progress::delete);
    }
}
