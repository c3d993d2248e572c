package io.streamaligner.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaligner.client.AlignmentRequests;
import io.streamaligner.client.ResponseListener;
import io.streamaligner.dataset.teacher.TeacherAligner;
import io.streamaligner.dataset.teacher.TeacherPrompt;
import io.streamaligner.eval.EvalItem;
import io.streamaligner.eval.ProgressBar;
import io.streamaligner.inference.Completion;
import io.streamaligner.inference.CompletionRequest;
import io.streamaligner.inference.DeltaListener;
import io.streamaligner.inference.FinishReason;
import io.streamaligner.inference.Generation;
import io.streamaligner.inference.TextGenerator;
import io.streamaligner.loop.AlignmentModels;
import io.streamaligner.loop.LoopLimits;
import io.streamaligner.loop.inprocess.AlignedAnswer;
import io.streamaligner.loop.inprocess.InProcessAlignmentLoop;
import io.streamaligner.loop.inprocess.SentenceCorrection;
import io.streamaligner.loop.testing.ScriptedUpstream;
import io.streamaligner.loop.testing.TestPrompts;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.AnswerFinal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run over the loop core in memory ({@link InProcessAlignmentLoop}, standing in for the Kafka loop the command
 * starts) with a scripted upstream and the real {@link TeacherAligner} over a teacher that answers from the prompt's
 * labelled fields.
 */
class DatasetRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADD = "What is 2 + 2?";
    private static final String SUBTRACT = "What is 9 - 4?";
    private static final String UNREADABLE = "What is the meaning of it all?";
    private static final String SILENT = "Say nothing?";
    private static final String FAILING = "Will the upstream fail?";
    /** Questions of 64 bytes at most: a longer one the loop would refuse. */
    private static final LoopLimits LIMITS = new LoopLimits(128, 128, 64);
    private static final String TOO_LONG = "What is " + "1 + ".repeat(20) + "1?";

    private final TeacherPrompt prompt = new TeacherPrompt();
    private final FieldReadingTeacher backend = new FieldReadingTeacher(Map.of(
            "First, 2 + 2 = 5.", "First, 2 + 2 = 4.", "The answer is 5.|First, 2 + 2 = 4.", "The answer is 4."));
    private final TeacherAligner teacher = new TeacherAligner(backend, prompt, 200);
    private ScriptedUpstream upstream;
    private InProcessAlignmentLoop inProcess;
    private final ExecutorService loopThreads = Executors.newCachedThreadPool();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final StringWriter progress = new StringWriter();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final Set<String> asked = ConcurrentHashMap.newKeySet();
    private final Set<String> hanging = ConcurrentHashMap.newKeySet();

    @TempDir
    Path dir;

    @BeforeEach
    void startLoop() {
        useUpstream(scriptedUpstream().failOn(FAILING));
    }

    @AfterEach
    void stopLoop() {
        loopThreads.shutdownNow();
    }

    @Test
    void shouldWriteEachAnsweredQuestionsRoundsAndTheTeachersEndFlags() throws Exception {
        DatasetSummary summary = run(List.of(item(1, ADD), item(2, SUBTRACT)), 2);

        assertThat(records()).containsExactlyInAnyOrder(
                new DatasetRecord(ADD, "", "First, 2 + 2 = 5.", "First, 2 + 2 = 4.", false),
                new DatasetRecord(ADD, "First, 2 + 2 = 4.", "The answer is 5.", "The answer is 4.", true),
                new DatasetRecord(SUBTRACT, "", "First, 9 - 4 = 5.", "First, 9 - 4 = 5.", false),
                new DatasetRecord(SUBTRACT, "First, 9 - 4 = 5.", "The answer is 5.", "The answer is 5.", true));
        List<String> questions = records().stream().map(DatasetRecord::question).toList();
        assertThat(questions).as("a question's lines stay together")
                .isIn(List.of(ADD, ADD, SUBTRACT, SUBTRACT), List.of(SUBTRACT, SUBTRACT, ADD, ADD));
        assertThat(summary).isEqualTo(new DatasetSummary(2, 0, 2, 4, 2, 0, 0, 0, teacher.usage(), summary.wallNanos()));
        assertThat(teacher.usage().calls()).isEqualTo(4);
        assertThat(progress.toString()).contains("dataset", "2/2");
    }

    @Test
    void shouldRejectWhatTheTeacherCannotAnnotateAndLeaveFailedQuestionsForTheNextRun() throws Exception {
        DatasetSummary summary = run(List.of(item(1, ADD), item(2, UNREADABLE), item(3, SILENT), item(4, FAILING)), 4);

        assertThat(records()).extracting(DatasetRecord::question).containsOnly(ADD);
        List<JsonNode> rejects = new ArrayList<>();
        for (String line : Files.readAllLines(RejectsFile.besides(out()))) {
            rejects.add(JSON.readTree(line));
        }
        assertThat(rejects).extracting(reject -> reject.get("question").asText()).containsExactlyInAnyOrder(UNREADABLE, SILENT);
        JsonNode unreadable = rejects.stream().filter(r -> r.get("question").asText().equals(UNREADABLE)).findFirst().orElseThrow();
        assertThat(unreadable.get("line").asInt()).isEqualTo(2);
        assertThat(unreadable.get("round").asInt()).isEqualTo(1);
        assertThat(unreadable.get("reason").asText())
                .isEqualTo("the teacher's answer could not be read, asked twice: no CORRECTION: [[…]] in the answer");
        assertThat(unreadable.get("teacher_answer").asText()).isEqualTo(FieldReadingTeacher.REFUSAL);
        assertThat(notes).singleElement().asString().startsWith("line 4 failed, not written: ")
                .contains("upstream cannot answer");
        assertThat(summary.written()).isEqualTo(1);
        assertThat(summary.rejected()).isEqualTo(2);
        assertThat(summary.failed()).isEqualTo(1);
    }

    @Test
    void shouldRejectAQuestionTheLoopWouldRefuseWithoutAskingItNowOrInALaterRun() throws Exception {
        DatasetSummary first = run(List.of(item(1, ADD), item(2, TOO_LONG)), 2);
        DatasetSummary second = run(List.of(item(1, ADD), item(2, TOO_LONG)), 2);

        assertThat(asked).containsOnly(ADD);
        JsonNode reject = JSON.readTree(Files.readAllLines(RejectsFile.besides(out())).get(0));
        assertThat(reject.get("question").asText()).isEqualTo(TOO_LONG);
        assertThat(reject.get("round").asInt()).as("before any round").isZero();
        assertThat(reject.get("reason").asText()).isEqualTo("the loop refuses it: question is " + TOO_LONG.length()
                + " bytes (UTF-8), more than the 64 allowed");
        assertThat(first.rejected()).isEqualTo(1);
        assertThat(second.asked()).as("nothing left for a second run").isZero();
    }

    @Test
    void shouldAskOnlyWhatEarlierRunsLeftAndNeverWriteALineTwice() throws Exception {
        run(List.of(item(1, ADD), item(2, UNREADABLE), item(4, FAILING)), 1);
        List<String> firstRun = Files.readAllLines(out());
        useUpstream(scriptedUpstream().answer(FAILING, "First, 1 + 1 = 2.", "The answer is 2."));

        DatasetSummary second = run(List.of(item(1, ADD), item(2, UNREADABLE), item(3, SUBTRACT), item(4, FAILING)), 1);

        assertThat(second.doneBefore()).as("written and rejected questions").isEqualTo(2);
        assertThat(second.asked()).isEqualTo(2);
        assertThat(upstream.calls()).extracting(call -> TestPrompts.parseUpstream(call.prompt())[0])
                .containsOnly(SUBTRACT, FAILING);
        List<String> lines = Files.readAllLines(out());
        assertThat(lines).startsWith(firstRun.toArray(String[]::new)).doesNotHaveDuplicates().hasSize(6);
        assertThat(Files.readAllLines(RejectsFile.besides(out()))).hasSize(1);
    }

    @Test
    void shouldKeepAtMostConcurrencyQuestionsInFlight() throws Exception {
        List<EvalItem> items = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String question = "What is " + i + " + 0?";
            upstream.answer(question, "The answer is " + i + ".");
            items.add(item(i, question));
        }

        DatasetSummary summary = run(items, 2);

        assertThat(summary.written()).isEqualTo(6);
        assertThat(mostInFlight.get()).isEqualTo(2);
    }

    private static ScriptedUpstream scriptedUpstream() {
        return new ScriptedUpstream()
                .answer(ADD, "First, 2 + 2 = 5.", "The answer is 5.")
                .answer(SUBTRACT, "First, 9 - 4 = 5.", "The answer is 5.")
                .answer(UNREADABLE, "It is 42.")
                .answer(SILENT);
    }

    private void useUpstream(ScriptedUpstream scripted) {
        upstream = scripted;
        inProcess = new InProcessAlignmentLoop(new AlignmentModels(upstream, TestPrompts.UPSTREAM, teacher, prompt),
                LoopLimits.DEFAULTS);
    }

    @Test
    void shouldStopAskingWhenToldWriteWhatHasComeAndLeaveTheRestForTheNextRun() throws Exception {
        hanging.add(UNREADABLE);

        DatasetSummary summary = run(List.of(item(1, ADD), item(2, UNREADABLE), item(3, SUBTRACT)), 1,
                () -> asked.contains(UNREADABLE));

        assertThat(records()).extracting(DatasetRecord::question).containsOnly(ADD);
        assertThat(summary.asked()).isEqualTo(2);
        assertThat(summary.written()).isEqualTo(1);
        assertThat(summary.unfinished()).as("the one in flight and the one never asked").isEqualTo(2);
        assertThat(summary.incomplete()).isTrue();
        assertThat(RejectsFile.besides(out())).doesNotExist();
    }

    private DatasetSummary run(List<EvalItem> items, int concurrency) throws InterruptedException {
        return run(items, concurrency, () -> false);
    }

    private DatasetSummary run(List<EvalItem> items, int concurrency, BooleanSupplier stop) throws InterruptedException {
        try (DatasetFile out = DatasetFile.open(out()); RejectsFile rejects = RejectsFile.open(RejectsFile.besides(out()))) {
            Set<String> done = new HashSet<>(out.questions());
            done.addAll(rejects.questions());
            DatasetRun run = new DatasetRun(this::ask, teacher, prompt,
                    new QuestionRequests(AlignmentRequests.greedy(), 1, 8, 256, LIMITS), concurrency);
            return run.run(DatasetPlan.of(items, done), out, rejects, "run", new ProgressBar(new PrintWriter(progress), false),
                    notes::add, stop);
        }
    }

    /** The loop's client contract over the in-process loop: events to the listener, then the final. */
    private CompletableFuture<AnswerFinal> ask(AlignmentRequest request, ResponseListener listener) {
        asked.add(request.getQuestion());
        if (hanging.contains(request.getQuestion())) {
            return new CompletableFuture<>(); // its answer never comes
        }
        return CompletableFuture.supplyAsync(() -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20); // long enough for the run to try to start more
                AlignedAnswer answer = inProcess.run(request);
                for (SentenceCorrection sentence : answer.sentences()) {
                    listener.onSentence(LoopEvents.sentence(answer.requestId(), sentence.round(), sentence.original(),
                            sentence.corrected()));
                }
                answer.error().ifPresent(message -> listener.onError(LoopEvents.error(answer.requestId(),
                        answer.rounds() + 1, message)));
                AnswerFinal last = LoopEvents.last(answer.requestId(), answer.answer(), answer.rounds(), answer.finishReason());
                listener.onFinal(last);
                return last;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        }, loopThreads);
    }

    private Path out() {
        return dir.resolve("d.jsonl");
    }

    private List<DatasetRecord> records() throws Exception {
        return Files.readAllLines(out()).stream().map(DatasetRecord::fromJson).toList();
    }

    private static EvalItem item(int line, String question) {
        return new EvalItem(line, question, Optional.empty());
    }

    /**
     * A teacher that reads the prompt's labelled fields: it corrects a last sentence it knows a fix for (keyed by the
     * sentence, or by the sentence and the prefix), keeps any other, says the answer ends with a sentence that states
     * it, and cannot answer the unreadable question in the format.
     */
    private static final class FieldReadingTeacher implements TextGenerator {

        static final String REFUSAL = "I would rather not say.";
        private static final Pattern FIELDS = Pattern.compile(
                "##Question: (.*)\n##Answer_Prefix: (.*)\n##Answer_Last_Sentence: (.*)\n");

        private final Map<String, String> fixes;

        FieldReadingTeacher(Map<String, String> fixes) {
            this.fixes = fixes;
        }

        @Override
        public Generation submit(CompletionRequest request, DeltaListener listener) {
            Matcher fields = FIELDS.matcher(request.chat().orElseThrow().user());
            if (!fields.find()) {
                throw new IllegalStateException("no labelled fields in " + request.prompt());
            }
            String question = fields.group(1);
            String prefix = fields.group(2);
            String last = fields.group(3);
            String correction = fixes.getOrDefault(last + "|" + prefix, fixes.getOrDefault(last, last));
            String answer = question.equals(UNREADABLE) ? REFUSAL
                    : "CORRECTION: [[" + correction + "]]\nEOS: [[" + (correction.startsWith("The answer is") ? "TRUE" : "FALSE") + "]]";
            return Generation.completed(new Completion(request.id(), answer, FinishReason.EOS, 50, 10, 1_000_000));
        }

        @Override
        public void close() {
        }
    }
}
