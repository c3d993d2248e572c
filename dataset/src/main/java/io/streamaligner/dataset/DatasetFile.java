package io.streamaligner.dataset;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The dataset a run writes ({@code dataset --out FILE}): one {@link DatasetRecord} per line, a question's lines
 * appended together, in one write, once its whole answer is done. A question with lines in the file is complete, and a
 * second run skips it. Opening the file takes its lock and repairs what an interrupted run can leave: a last line cut
 * short is removed together with the lines of the question before it, which may be the same question's (its block
 * was being written), and which the run then does again. Any other line that is not a record is an error: the file
 * is not this run's to change. Not thread-safe: one writer.
 */
public final class DatasetFile implements AutoCloseable {

    private final JsonLinesFile file;
    private final Set<String> questions;
    private final int records;
    private final Optional<String> repair;

    private DatasetFile(JsonLinesFile file, Set<String> questions, int records, Optional<String> repair) {
        this.file = file;
        this.questions = questions;
        this.records = records;
        this.repair = repair;
    }

    /**
     * Opens the file for a run, creating it if it does not exist.
     *
     * @throws DatasetFileException if it cannot be created, read or repaired, another run writes it, or a line that is
     *                              not the last is not a record
     */
    public static DatasetFile open(Path path) {
        JsonLinesFile file;
        try {
            file = JsonLinesFile.open(path, true);
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new DatasetFileException(e.getMessage(), e);
        }
        try {
            List<DatasetRecord> read = new ArrayList<>();
            List<Integer> indexes = new ArrayList<>();
            for (int i = 0; i < file.lines().size(); i++) {
                JsonLinesFile.Line line = file.lines().get(i);
                if (line.text().isBlank()) {
                    continue;
                }
                try {
                    read.add(DatasetRecord.fromJson(line.text()));
                    indexes.add(i);
                } catch (IllegalArgumentException bad) {
                    throw new DatasetFileException(path + " line " + line.number() + " is not a dataset record ("
                            + bad.getMessage() + "); fix or remove it, or write to another --out", bad);
                }
            }
            int kept = read.size();
            Optional<String> repair = Optional.empty();
            if (file.cutLine().isPresent()) {
                file.requireCutLineFromAnInterruptedWrite();
                // the cut line may belong to the question before it: its block was being written
                while (kept > 0 && read.get(kept - 1).question().equals(read.get(read.size() - 1).question())) {
                    kept--;
                }
                file.truncateFrom(kept < read.size() ? indexes.get(kept) : file.lines().size());
                repair = Optional.of(path + " ended in a line cut short (an interrupted write): removed it"
                        + (kept < read.size() ? " and the " + (read.size() - kept) + " line(s) before it of the question \""
                        + read.get(read.size() - 1).question() + "\", which this run does again" : ""));
            }
            Set<String> questions = new LinkedHashSet<>();
            read.subList(0, kept).forEach(record -> questions.add(record.question()));
            return new DatasetFile(file, Set.copyOf(questions), kept, repair);
        } catch (RuntimeException e) {
            file.close();
            throw e instanceof UncheckedIOException || e instanceof IllegalStateException
                    ? new DatasetFileException(e.getMessage(), e) : e;
        }
    }

    public Path path() {
        return file.path();
    }

    /** The questions the file has lines for: complete, to be skipped. */
    public Set<String> questions() {
        return questions;
    }

    /** How many records the file held when opened (after a repair). */
    public int records() {
        return records;
    }

    /** What opening the file removed, in a sentence for the user, if it removed anything. */
    public Optional<String> repair() {
        return repair;
    }

    /**
     * Appends one question's records in one write, forced to the disk.
     *
     * @throws DatasetFileException if they cannot be written
     */
    public void append(List<DatasetRecord> question) {
        Objects.requireNonNull(question, "question");
        try {
            file.append(question.stream().map(DatasetRecord::toJson).toList());
        } catch (UncheckedIOException e) {
            throw new DatasetFileException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
