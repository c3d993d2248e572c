package io.streamaligner.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.template.ChatTemplate;
import io.streamaligner.inference.template.JinjaChatTemplate;
import io.streamaligner.inference.testing.RealVocabularyModel;
import io.streamaligner.inference.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The engine end to end on a model folder laid out as an optimum export of Llama-3 is: Llama-3's real 128k vocabulary,
 * tokenizer and chat template around a small random-weight decoder ({@link RealVocabularyModel}, made by PyTorch at
 * test time). The folder's own template writes the prompt, which starts with exactly one BOS; greedy decoding with the
 * KV cache writes exactly what eager PyTorch writes from the same weights; the streamed deltas add up to the text.
 * Skipped where /usr/bin/python3 lacks torch or onnx, or npm is missing.
 */
class RealVocabularyModelTest {

    private static final int NEW_TOKENS = 24;
    private static final int BEGIN_OF_TEXT = 128000;

    @Test
    void shouldRunTheFoldersOwnTemplateAndDecodeAsPyTorchDoes() {
        Path folder = RealVocabularyModel.llama3();
        try (OnnxTextGenerator engine = OnnxTextGenerator.open(folder, EngineOptions.cpu())) {
            ChatTemplate template = engine.chatTemplate();
            String prompt = template.upstreamPrompt("You are terse.", "What is 23 + 48?", "First, 23 + 48 = 71.");
            int[] promptIds = engine.encodePrompt(prompt);
            StringBuilder streamed = new StringBuilder();

            Completion completion = engine.generate(List.of(CompletionRequest.greedy("r1", prompt, NEW_TOKENS)),
                    (id, delta) -> streamed.append(delta)).get(0);

            assertThat(template).isInstanceOf(JinjaChatTemplate.class);
            assertThat(prompt).isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse."
                    + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhat is 23 + 48?<|eot_id|>"
                    + "<|start_header_id|>assistant<|end_header_id|>\n\nFirst, 23 + 48 = 71.");
            assertThat(promptIds[0]).isEqualTo(BEGIN_OF_TEXT);
            assertThat(promptIds[1]).isNotEqualTo(BEGIN_OF_TEXT);
            int[] expected = untilEnd(RealVocabularyModel.torchGreedy(folder, promptIds, NEW_TOKENS), engine);
            assertThat(completion.generatedTokens()).isEqualTo(expected.length);
            assertThat(completion.text()).isEqualTo(decodedAfter(engine.tokenizer(), promptIds, expected));
            assertThat(streamed).hasToString(completion.text());
            assertThat(completion.finishReason()).isIn(FinishReason.LENGTH, FinishReason.EOS);
        }
    }

    /** The ids up to the first end-of-sequence id (the engine stops there and does not count it as text). */
    private static int[] untilEnd(int[] ids, OnnxTextGenerator engine) {
        Set<Integer> eos = engine.modelFolder().eosTokenIds();
        for (int i = 0; i < ids.length; i++) {
            if (eos.contains(ids[i])) {
                return Arrays.copyOf(ids, i + 1);
            }
        }
        return ids;
    }

    private static String decodedAfter(Tokenizer tokenizer, int[] prompt, int[] generated) {
        int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);
        return tokenizer.decode(all).substring(tokenizer.decode(prompt).length());
    }
}
