package io.streamaligner.inference.tokenizer;

import io.streamaligner.inference.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamingDetokenizerTest {

    private static Tokenizer tokenizer;
    private static int[] prompt;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(TestModels.upstream().resolve("tokenizer.json"));
        prompt = tokenizer.encode("<|user|>Say it<|assistant|>");
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void shouldStreamAccentsCjkAndEmojiWithoutEverSplittingACharacter() {
        String text = "Café déjà vu, naïve. 数学很有趣。 Emoji: 🙂👍🏽🇫🇷 and ½ ≠ 0.5!";
        int[] ids = tokenizer.encode(text);
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, prompt);

        List<String> deltas = new ArrayList<>();
        int heldBack = 0;
        for (int id : ids) {
            String delta = detokenizer.accept(id);
            heldBack += delta.isEmpty() ? 1 : 0;
            deltas.add(delta);
        }
        deltas.add(detokenizer.flush());

        assertThat(String.join("", deltas)).isEqualTo(text);
        assertThat(deltas).noneMatch(d -> d.indexOf('\uFFFD') >= 0)
                .noneMatch(d -> !d.isEmpty() && Character.isLowSurrogate(d.charAt(0)))
                .noneMatch(d -> !d.isEmpty() && Character.isHighSurrogate(d.charAt(d.length() - 1)));
        assertThat(heldBack).as("byte-level BPE splits some characters over tokens").isPositive();
    }

    @Test
    void shouldKeepTheLeadingSpaceOfTheFirstGeneratedToken() {
        int[] ids = tokenizer.encode(" Then 4 + 4 = 8.");
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, prompt);

        StringBuilder text = new StringBuilder();
        Arrays.stream(ids).forEach(id -> text.append(detokenizer.accept(id)));

        assertThat(text).hasToString(" Then 4 + 4 = 8.");
    }

    @Test
    void shouldEmitNothingForSpecialTokens() {
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, prompt);

        assertThat(detokenizer.accept(tokenizer.specialTokens().get("<|end|>"))).isEmpty();
    }

    @Test
    void shouldDropAnIncompleteCharacterWhenFlushing() {
        int[] emoji = tokenizer.encode("ok🙂");
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, prompt);

        StringBuilder text = new StringBuilder();
        for (int i = 0; i < emoji.length - 1; i++) {
            text.append(detokenizer.accept(emoji[i]));
        }
        text.append(detokenizer.flush());

        assertThat(text).hasToString("ok");
    }
}
