package io.streamaligner.loop;

import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.StoppingText;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream's stop rule as backends apply it ({@link StoppingText}): the boundary may be decided only after the
 * whitespace that follows a sentence has streamed, and the cut leaves that whitespace out, so no delta handed on may
 * hold it. Whatever the chunking, the deltas add up to exactly the cut text.
 */
class SentenceStopTest {

    @ParameterizedTest
    @ValueSource(strings = {"Steps:\n1. Mix it.", "He said \"hi.\" Then he left.", "1. First\n2. Second",
            "Wait... What now?", "(Yes.) No.", "Hi.\"     Next one.", "x.\n\n\n\nY", "Dr. Smith paid $3.50. He left.",
            "It is 3.5 m. Ok.", "See e.g. this. Then that.", "Done!\n\nNext.", "End.   \n  \n  Z.", "代码。下一个。",
            "He left.\u3000次", "- item one.\n- item two", "\"Quote.\" \"Next.\"", "Hmm...\n\nOK."})
    void shouldNeverHandOnTextBeyondTheCutWhateverTheChunking(String answer) {
        String expected = cutOf(answer, 1);
        Random random = new Random(answer.hashCode());
        for (int maxChunk = 1; maxChunk <= 6; maxChunk++) {
            assertThat(cutOf(answer, maxChunk)).as("chunks up to " + maxChunk).isEqualTo(expected);
            for (int trial = 0; trial < 20; trial++) {
                StringBuilder handedOn = new StringBuilder();
                StoppingText text = new StoppingText(AlignmentLoop.SENTENCE_STOP, "r1",
                        (id, delta) -> handedOn.append(delta));
                for (int at = 0; at < answer.length() && !text.stopped(); ) {
                    int next = Math.min(answer.length(), at + 1 + random.nextInt(maxChunk));
                    text.append(answer.substring(at, next));
                    at = next;
                }
                text.release();
                assertThat(handedOn.toString()).as("handed on, chunks up to " + maxChunk).isEqualTo(text.text());
                assertThat(text.text()).isEqualTo(expected);
            }
        }
    }

    /** The text the stop rule keeps when {@code answer} streams in chunks of {@code chunk} characters. */
    private static String cutOf(String answer, int chunk) {
        StoppingText text = new StoppingText(AlignmentLoop.SENTENCE_STOP, "r1", DeltaListener.NONE);
        for (int at = 0; at < answer.length() && !text.stopped(); at += chunk) {
            text.append(answer.substring(at, Math.min(answer.length(), at + chunk)));
        }
        text.release();
        return text.text();
    }
}
