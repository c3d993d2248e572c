package io.streamaligner.topology.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.dataset.DatasetRecord;
import io.streamaligner.dataset.RejectsFile;
import io.streamaligner.dataset.teacher.TeacherPrompt;
import io.streamaligner.eval.toymath.ToyMathDataset;
import io.streamaligner.eval.toymath.ToyMathQuestion;
import io.streamaligner.loop.segment.SentenceSegmenter;
import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import io.streamaligner.topology.testing.IntegrationTestUtils;
import io.streamaligner.topology.testing.ScriptedChatServer;
import io.streamaligner.topology.testing.SharedKafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code dataset} command end to end: the real Kafka loop on the shared in-process broker with the bundled upstream
 * (sampling, so it slips), and a real local HTTP server standing in for the teacher, which reads the prompt's labelled
 * fields and answers what the toy domain calls correct. Each run has its own topics and application id.
 */
@Tag("integration")
@ExtendWith(SharedKafkaBroker.class)
class DatasetCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIELDS = Pattern.compile(Pattern.quote(TeacherPrompt.QUESTION) + "(.*)\n"
            + Pattern.quote(TeacherPrompt.ANSWER_PREFIX) + "(.*)\n" + Pattern.quote(TeacherPrompt.LAST_SENTENCE) + "(.*)\n");
    private static final Pattern TOY_QUESTION = Pattern.compile("What is (\\d+)((?: [+-] \\d+)+)\\?");

    private final TeacherPrompt prompt = new TeacherPrompt();
    private EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeEach
    void sharedBroker(EmbeddedKafkaBroker shared) {
        broker = shared;
    }

    @Test
    void shouldWriteTheTeachersCorrectionsAndEndFlagsRoundByRound() throws Exception {
        List<String> lines = new ArrayList<>(ToyMathDataset.lines(11, 6));
        lines.add(2, "{\"question\": 42}");
        Path questions = Files.write(dir.resolve("questions.jsonl"), lines);
        Path out = dir.resolve("d.jsonl");
        try (ScriptedChatServer teacher = new ScriptedChatServer().replyWith(DatasetCommandIT::toyTeacher)) {

            Run run = dataset(questions, teacher, out, "--concurrency", "3");

            assertThat(run.exitCode).as(run.err).isZero();
            assertThat(run.err).contains("line 3 skipped: \"question\" must be a non-blank string");
            Map<String, List<DatasetRecord>> byQuestion = records(out);
            assertThat(byQuestion).hasSize(6);
            int sentences = 0;
            for (Map.Entry<String, List<DatasetRecord>> question : byQuestion.entrySet()) {
                List<String> correct = SentenceSegmenter.split(toyQuestion(question.getKey()).correctAnswer());
                List<DatasetRecord> rounds = question.getValue();
                assertThat(rounds).as(question.getKey()).hasSize(correct.size());
                for (int k = 0; k < rounds.size(); k++) {
                    DatasetRecord round = rounds.get(k);
                    assertThat(round.prefix()).isEqualTo(String.join(" ", correct.subList(0, k)));
                    assertThat(round.correction()).isEqualTo(correct.get(k));
                    assertThat(round.eos()).isEqualTo(k == correct.size() - 1);
                    assertThat(teacher.userMessages()).as("the teacher was shown this round's sentence")
                            .contains(prompt.render(round.question(), round.prefix(), round.last()));
                }
                sentences += rounds.size();
            }
            assertThat(teacher.userMessages()).as("one teacher call per sentence").hasSize(sentences);
            assertThat(byQuestion.values().stream().flatMap(List::stream).filter(r -> !r.last().equals(r.correction())))
                    .as("the sampled upstream slipped somewhere").isNotEmpty();
            assertThat(run.lastLine()).startsWith("dataset questions=6 done_before=0 written=6 sentences=" + sentences + " ")
                    .contains(" rejected=0 failed=0 ");
            assertThat(RejectsFile.besides(out)).doesNotExist();
        }
    }

    @Test
    void shouldResumeAnInterruptedRunWithoutWritingALineTwice() throws Exception {
        Path questions = Files.write(dir.resolve("questions.jsonl"), ToyMathDataset.lines(12, 5));
        Path out = dir.resolve("d.jsonl");
        try (ScriptedChatServer teacher = new ScriptedChatServer().replyWith(DatasetCommandIT::toyTeacher)) {
            assertThat(dataset(questions, teacher, out, "--limit", "3").exitCode).isZero();
            List<String> firstRun = Files.readAllLines(out);
            // killed inside its next write, a run leaves a line cut short
            Files.writeString(out, firstRun.get(0).substring(0, 40), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);

            Run second = dataset(questions, teacher, out);

            assertThat(second.exitCode).as(second.err).isZero();
            assertThat(second.err).contains("ended in a line cut short");
            List<String> lines = Files.readAllLines(out);
            assertThat(lines).doesNotHaveDuplicates();
            assertThat(records(out)).hasSize(5);
            Set<String> firstQuestions = firstRun.stream().map(line -> DatasetRecord.fromJson(line).question())
                    .collect(Collectors.toSet());
            assertThat(lines.subList(0, firstRun.size() - countOfLast(firstRun)))
                    .as("the questions written before stay as they were")
                    .isEqualTo(firstRun.subList(0, firstRun.size() - countOfLast(firstRun)));
            assertThat(firstQuestions).hasSize(3);
            assertThat(second.lastLine()).startsWith("dataset questions=3 done_before=2 written=3 ");

            Run third = dataset(questions, teacher, out);

            assertThat(third.exitCode).isZero();
            assertThat(third.lastLine()).startsWith("dataset questions=0 done_before=5 written=0 sentences=0 ");
            assertThat(Files.readAllLines(out)).isEqualTo(lines);
        }
    }

    @Test
    void shouldRejectWhatTheTeacherCannotAnswerInTheFormatAfterAskingOnceMore() throws Exception {
        List<String> lines = ToyMathDataset.lines(13, 3);
        Path questions = Files.write(dir.resolve("questions.jsonl"), lines);
        String stubborn = JSON.readTree(lines.get(0)).get("question").asText();
        String secondThoughts = JSON.readTree(lines.get(1)).get("question").asText();
        Path out = dir.resolve("d.jsonl");
        try (ScriptedChatServer teacher = new ScriptedChatServer().replyWith(message -> {
            String question = fields(message).group(1);
            if (question.equals(stubborn)) {
                return "I am not sure this can be corrected.";
            }
            if (question.equals(secondThoughts) && !message.contains(TeacherPrompt.ASK_AGAIN)) {
                return "CORRECTION: [[First, cut short";
            }
            return toyTeacher(message);
        })) {

            Run run = dataset(questions, teacher, out);

            assertThat(run.exitCode).as(run.err).isZero();
            assertThat(records(out)).containsOnlyKeys(secondThoughts, JSON.readTree(lines.get(2)).get("question").asText());
            List<String> rejects = Files.readAllLines(RejectsFile.besides(out));
            assertThat(rejects).hasSize(1);
            JsonNode reject = JSON.readTree(rejects.get(0));
            assertThat(reject.get("question").asText()).isEqualTo(stubborn);
            assertThat(reject.get("line").asInt()).isEqualTo(1);
            assertThat(reject.get("round").asInt()).isEqualTo(1);
            assertThat(reject.get("reason").asText())
                    .isEqualTo("the teacher's answer could not be read, asked twice: no CORRECTION: [[…]] in the answer");
            assertThat(reject.get("teacher_answer").asText()).isEqualTo("I am not sure this can be corrected.");
            assertThat(teacher.userMessages()).filteredOn(message -> fields(message).group(1).equals(stubborn))
                    .as("asked once, then once more").hasSize(2);
            assertThat(run.lastLine()).contains(" written=2 ").contains(" rejected=1 failed=0 ");

            Run again = dataset(questions, teacher, out);

            assertThat(again.lastLine()).as("a reject is not asked again").startsWith("dataset questions=0 done_before=3 ");
        }
    }

    private Run dataset(Path questions, ScriptedChatServer teacher, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("--questions", questions.toString(), "--teacher-url", teacher.baseUrl(),
                "--teacher-model", ScriptedChatServer.MODEL, "--out", out.toString()));
        args.addAll(List.of(more));
        // each run its own topics and group: a Streams instance does not leave its group on close, so a second one in
        // the same group would wait out the first one's session (45 s) before it gets partitions
        String id = IntegrationTestUtils.uniqueTopic("dataset-it");
        args.addAll(List.of("--bootstrap-servers", broker.bootstrapServers(), "-D", "streamaligner.topic.prefix=" + id + ".",
                "-D", "application.id=" + id));
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exitCode = new CommandLine(new DatasetCommand(Map.of())).setOut(new PrintWriter(stdout)).setErr(new PrintWriter(stderr))
                .execute(args.toArray(String[]::new));
        return new Run(exitCode, stdout.toString(), stderr.toString());
    }

    private record Run(int exitCode, String out, String err) {
        String lastLine() {
            List<String> lines = out.strip().lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    /** The dataset's records by question, in file order; a question's lines must be contiguous. */
    private static Map<String, List<DatasetRecord>> records(Path out) throws Exception {
        Map<String, List<DatasetRecord>> byQuestion = new LinkedHashMap<>();
        String previous = null;
        for (String line : Files.readAllLines(out)) {
            DatasetRecord record = DatasetRecord.fromJson(line);
            if (!record.question().equals(previous)) {
                assertThat(byQuestion).as("lines of one question together").doesNotContainKey(record.question());
            }
            byQuestion.computeIfAbsent(record.question(), q -> new ArrayList<>()).add(record);
            previous = record.question();
        }
        return byQuestion;
    }

    private static int countOfLast(List<String> lines) {
        String last = DatasetRecord.fromJson(lines.get(lines.size() - 1)).question();
        return (int) lines.stream().filter(line -> DatasetRecord.fromJson(line).question().equals(last)).count();
    }

    /**
     * The toy domain's teacher: the correct sentence at the corrected prefix's position, and the end of the answer
     * with its last sentence, read from the prompt's labelled fields alone.
     */
    static String toyTeacher(String message) {
        Matcher fields = fields(message);
        List<String> correct = SentenceSegmenter.split(toyQuestion(fields.group(1)).correctAnswer());
        String prefix = fields.group(2);
        int index = Math.min(prefix.isEmpty() ? 0 : SentenceSegmenter.split(prefix).size(), correct.size() - 1);
        return "Checked the arithmetic.\nCORRECTION: [[" + correct.get(index) + "]]\nEOS: [["
                + (index == correct.size() - 1 ? "TRUE" : "FALSE") + "]]";
    }

    private static Matcher fields(String message) {
        Matcher fields = FIELDS.matcher(message);
        if (!fields.find()) {
            throw new AssertionError("no labelled fields in the teacher's prompt:\n" + message);
        }
        return fields;
    }

    private static ToyMathQuestion toyQuestion(String text) {
        Matcher question = TOY_QUESTION.matcher(text);
        if (!question.matches()) {
            throw new AssertionError("not a toy question: " + text);
        }
        List<Integer> operands = new ArrayList<>(List.of(Integer.parseInt(question.group(1))));
        List<Character> operators = new ArrayList<>();
        String[] steps = question.group(2).strip().split(" ");
        for (int i = 0; i < steps.length; i += 2) {
            operators.add(steps[i].charAt(0));
            operands.add(Integer.parseInt(steps[i + 1]));
        }
        return new ToyMathQuestion(operands, operators);
    }
}
