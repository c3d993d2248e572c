package io.streamaligner.ops.quality;

import io.streamaligner.loop.StepSampling;

import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.eval.AnswerNumbers;
import io.streamaligner.eval.toymath.ToyMathQuestion;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.SamplingParams;
import io.streamaligner.inference.StopCondition;
import io.streamaligner.inference.model.GenerationDefaults;
import io.streamaligner.inference.model.ModelFolder;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.InProcessAlignmentLoop;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.GenerationParams;
import io.streamaligner.topology.app.LoadedModels;
import io.streamaligner.topology.config.BundledModels;
import io.streamaligner.topology.config.StreamAlignerConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bundled models' quality bar (issue #3), measured through the project's own Java engine: on fresh
 * questions of the toy domain, how often the upstream alone is right, and how often the stream-aligner loop
 * over the same upstream is right.
 *
 * <p>Both arms sample the upstream as its {@code generation_config.json} recommends (temperature 1: the toy
 * upstream's slips are part of its distribution), with the same per-question seed; the aligner is greedy. The
 * loop is {@link InProcessAlignmentLoop}, which makes the Kafka topology's decisions rule for rule without a broker.
 *
 * <pre>
 *   ops/quality/toy-math-accuracy.sh [--questions 500] [--seed 777000] [--models models]
 * </pre>
 * Last line: {@code toy_math_accuracy n=N upstream=U stream_aligner=S}.
 */
public final class ToyMathAccuracy {

    /** A seed no training run used: training draws its questions from Python's generator, seeded 20250227 + k. */
    private static final long DEFAULT_SEED = 777_000L;
    /** Upstream answers in the domain are about 40 tokens; the cap only bounds a model that never stops. */
    private static final int MAX_ANSWER_TOKENS = 160;
    private static final int BATCH = 16;

    private ToyMathAccuracy() {
    }

    public static void main(String[] args) {
        int questions = 500;
        long seed = DEFAULT_SEED;
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--questions" -> questions = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--models" -> {
                    Path models = Path.of(args[++i]);
                    settings.put(StreamAlignerConfig.UPSTREAM_MODEL, models.resolve(BundledModels.UPSTREAM).toString());
                    settings.put(StreamAlignerConfig.ALIGNER_MODEL, models.resolve(BundledModels.ALIGNER).toString());
                }
                default -> {
                    System.err.println("usage: toy-math-accuracy [--questions N] [--seed S] [--models DIR]");
                    System.exit(2);
                }
            }
        }
        // without --models, the bundled folders as the application finds them
        StreamAlignerConfig config = StreamAlignerConfig.fromSettings(settings);
        Path models = Path.of("").toAbsolutePath().relativize(config.upstream().folder().getParent());
        List<ToyMathQuestion> sample = ToyMathQuestion.sample(seed, questions);
        long started = System.nanoTime();
        GenerationDefaults recommended = ModelFolder.open(config.upstream().folder()).generationDefaults();
        try (LoadedModels loaded = LoadedModels.open(config)) {
            int upstreamRight = 0;
            int loopRight = 0;
            InProcessAlignmentLoop loop = new InProcessAlignmentLoop(loaded.models(), config.topology().limits());
            for (int from = 0; from < sample.size(); from += BATCH) {
                List<ToyMathQuestion> batch = sample.subList(from, Math.min(sample.size(), from + BATCH));
                List<CompletionRequest> alone = new ArrayList<>();
                List<AlignmentRequest> aligned = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    ToyMathQuestion question = batch.get(i);
                    long questionSeed = seed * 1_000_003L + from + i;
                    SamplingParams sampling = recommended.sampling(questionSeed);
                    String prompt = loaded.models().upstreamPrompt().render("", question.text(), "");
                    alone.add(new CompletionRequest("q" + (from + i), prompt, sampling, MAX_ANSWER_TOKENS, StopCondition.NEVER));
                    GenerationParams generation = StepSampling.generationParams(sampling);
                    aligned.add(AlignmentRequests.builder("q" + (from + i), question.text()).setGeneration(generation).build());
                }
                List<Completion> upstreamAnswers = loaded.upstream().generate(alone);
                List<AlignedAnswer> loopAnswers = loop.run(aligned);
                for (int i = 0; i < batch.size(); i++) {
                    String expected = Integer.toString(batch.get(i).result());
                    upstreamRight += AnswerNumbers.isCorrect(upstreamAnswers.get(i).text(), expected) ? 1 : 0;
                    loopRight += AnswerNumbers.isCorrect(loopAnswers.get(i).answer(), expected) ? 1 : 0;
                }
                System.err.printf(Locale.ROOT, "\r%d/%d questions", from + batch.size(), sample.size());
            }
            System.err.println();
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "questions: %d fresh (seed %d), models: %s, %.0f s%n", sample.size(), seed, models, seconds);
            System.out.printf(Locale.ROOT, "upstream alone right:        %d/%d%n", upstreamRight, sample.size());
            System.out.printf(Locale.ROOT, "upstream + stream aligner:   %d/%d%n", loopRight, sample.size());
            System.out.printf(Locale.ROOT, "toy_math_accuracy n=%d upstream=%.3f stream_aligner=%.3f%n", sample.size(),
                    upstreamRight / (double) sample.size(), loopRight / (double) sample.size());
        }
    }
}
