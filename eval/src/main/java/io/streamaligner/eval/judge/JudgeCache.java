package io.streamaligner.eval.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The judge's verdicts kept in a JSONL file, one line per question and dimension, written as each comes in, so
 * that a run cut short resumes where it stopped and a re-run asks the judge only about what it has not seen. An
 * entry is found by a key over everything that decides the verdict (judge model, rubric, question, both
 * answers): a changed answer or rubric is judged afresh, never served a stale verdict. A line that cannot be
 * read (one cut off by an interrupted write) is ignored.
 */
public final class JudgeCache implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, JudgedPair> entries = new ConcurrentHashMap<>();
    private final BufferedWriter writer;
    private final int unreadableLines;

    private JudgeCache(Path file, List<JudgedPair> loaded, int unreadableLines, BufferedWriter writer) {
        this.file = file;
        loaded.forEach(pair -> entries.put(pair.key(), pair));
        this.unreadableLines = unreadableLines;
        this.writer = writer;
    }

    /**
     * Opens the cache file, creating it (and its folder) if absent, and reads what an earlier run left there.
     *
     * @throws UncheckedIOException when the file cannot be read or written
     */
    public static JudgeCache open(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            Path folder = file.toAbsolutePath().getParent();
            if (folder != null) {
                Files.createDirectories(folder);
            }
            List<JudgedPair> loaded = new ArrayList<>();
            int unreadable = 0;
            boolean endsWithNewline = true;
            if (Files.exists(file)) {
                String content = Files.readString(file, StandardCharsets.UTF_8);
                endsWithNewline = content.isEmpty() || content.endsWith("\n");
                for (String line : content.split("\n")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Optional<JudgedPair> pair = parse(line);
                    if (pair.isPresent()) {
                        loaded.add(pair.get());
                    } else {
                        unreadable++;
                    }
                }
            }
            BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (!endsWithNewline) {
                writer.write('\n'); // a cut-off last line must not swallow the next entry
                writer.flush();
            }
            return new JudgeCache(file, loaded, unreadable, writer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open judge cache " + file, e);
        }
    }

    /** The key of one judgement: a SHA-256 over the judge model, dimension, rubric, question and both answers. */
    public static String key(String judgeModel, JudgeDimension dimension, String question, String streamAnswer,
                             String upstreamAnswer) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(judgeModel, dimension.name(), dimension.rubric(), question, streamAnswer, upstreamAnswer)) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                // length-prefixed, so that no two different part lists hash the same bytes
                digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                digest.update((byte) ':');
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public Optional<JudgedPair> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Records a judgement and writes it through to the file at once. */
    public synchronized void put(JudgedPair pair) {
        Objects.requireNonNull(pair, "pair");
        try {
            writer.write(toJson(pair));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write judge cache " + file, e);
        }
        entries.put(pair.key(), pair);
    }

    /** Judgements held, from earlier runs and this one. */
    public int size() {
        return entries.size();
    }

    /** Lines of the file that could not be read when it was opened. */
    public int unreadableLines() {
        return unreadableLines;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close judge cache " + file, e);
        }
    }

    private static String toJson(JudgedPair pair) {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", pair.key());
        node.put("line", pair.lineNumber());
        node.put("dimension", pair.dimension().name());
        node.put("stream_first", pair.streamFirst().name());
        node.put("upstream_first", pair.upstreamFirst().name());
        node.put("stream_first_reply", pair.streamFirstReply());
        node.put("upstream_first_reply", pair.upstreamFirstReply());
        return node.toString();
    }

    private static Optional<JudgedPair> parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return Optional.of(new JudgedPair(
                    node.get("key").textValue(),
                    node.get("line").intValue(),
                    JudgeDimension.valueOf(node.get("dimension").textValue()),
                    Verdict.valueOf(node.get("stream_first").textValue()),
                    Verdict.valueOf(node.get("upstream_first").textValue()),
                    node.get("stream_first_reply").textValue(),
                    node.get("upstream_first_reply").textValue()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
