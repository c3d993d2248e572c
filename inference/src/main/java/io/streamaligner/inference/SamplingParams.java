package io.streamaligner.inference;

/**
 * How the next token is chosen. Temperature 0 means greedy (argmax); the other knobs then have no effect
 * except the penalties, which reshape the logits before either rule.
 *
 * @param temperature       0 for greedy, else the softmax temperature (> 0)
 * @param topK              keep the k most likely tokens; 0 keeps all
 * @param topP              keep the smallest set whose probability reaches p; 1 keeps all
 * @param frequencyPenalty  OpenAI-style: subtract penalty × count(token in generated text) from its logit
 * @param repetitionPenalty CTRL-style: divide positive / multiply negative logits of seen tokens; 1 = off
 * @param seed              seeds this request's random stream, so a re-run yields the same text
 */
public record SamplingParams(double temperature, int topK, double topP, double frequencyPenalty,
                             double repetitionPenalty, long seed) {

    public static final SamplingParams GREEDY = new SamplingParams(0, 0, 1, 0, 1, 0);

    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetitionPenalty must be > 0, got " + repetitionPenalty);
        }
        if (Double.isNaN(frequencyPenalty)) {
            throw new IllegalArgumentException("frequencyPenalty is NaN");
        }
    }

    public boolean greedy() {
        return temperature == 0;
    }

    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(temperature, topK, topP, frequencyPenalty, repetitionPenalty, newSeed);
    }
}
