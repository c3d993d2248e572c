package io.streamaligner.inference.tokenizer;

import io.streamaligner.inference.ModelFolderException;
import io.streamaligner.inference.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizerTest {

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(TestModels.upstream().resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void shouldRoundTripText() {
        String text = "First, 12 + 30 = 42. Then 42 - 7 = 35. Café, 数学 🙂";

        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
    }

    @Test
    void shouldReadSpecialTokensInTheTextButAddNone() {
        int user = tokenizer.specialTokens().get("<|user|>");
        int assistant = tokenizer.specialTokens().get("<|assistant|>");

        int[] ids = tokenizer.encode("<|user|>hi<|assistant|>");

        assertThat(ids[0]).isEqualTo(user);
        assertThat(ids[ids.length - 1]).isEqualTo(assistant);
        assertThat(tokenizer.encode("hi")).hasSize(ids.length - 2);
    }

    @Test
    void shouldNotTruncateLongText() {
        String text = "1 + 2 = 3. ".repeat(400);

        int[] ids = tokenizer.encode(text);

        assertThat(ids.length).isGreaterThan(512);
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
    }

    @Test
    void shouldSkipSpecialTokensWhenDecoding() {
        assertThat(tokenizer.decode(tokenizer.encode("<|user|>hi<|assistant|>ok<|end|>"))).isEqualTo("hiok");
    }

    @Test
    void shouldDecodeASlice() {
        int[] ids = tokenizer.encode("<|user|>abc");

        assertThat(tokenizer.decode(ids, 1, ids.length)).isEqualTo("abc");
    }

    @Test
    void shouldKnowItsAddedTokens() {
        assertThat(tokenizer.specialTokens()).containsKeys("<|user|>", "<|assistant|>", "<|end|>");
        assertThat(tokenizer.addedTokenId("<|end_of_answer|>")).isPresent();
        assertThat(tokenizer.addedTokenId("<|nope|>")).isEmpty();
    }

    @Test
    void shouldNameAMissingFile() {
        assertThatThrownBy(() -> Tokenizer.load(Path.of("no/such/tokenizer.json")))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("no/such/tokenizer.json");
    }
}
