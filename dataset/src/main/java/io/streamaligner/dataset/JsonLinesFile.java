package io.streamaligner.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A JSONL file a run only ever appends to, and a later run reads back to resume: the one place for how lines reach
 * the disk. Each {@link #append} writes its lines in one write and forces them to the disk before it returns, so an
 * interrupted run leaves whole appends behind, except, at worst, a last line cut short (killed inside a write),
 * which {@link #cutLine()} reports and {@link #truncateFrom} removes. Writing takes the file's exclusive lock, so two
 * runs never write the same file. Not thread-safe: one writer.
 */
final class JsonLinesFile implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A complete line as read.
     *
     * @param number its line number, from 1
     * @param text   the line without its line break
     * @param offset where it starts in the file, in bytes
     */
    record Line(int number, String text, long offset) {
    }

    private final Path path;
    private final List<Line> lines;
    private final Optional<String> cutLine;
    private final long cutOffset;
    /** Open for writing, under the file's lock, once created; null before. */
    private FileChannel channel;

    private JsonLinesFile(Path path, List<Line> lines, Optional<String> cutLine, long cutOffset) {
        this.path = path;
        this.lines = lines;
        this.cutLine = cutLine;
        this.cutOffset = cutOffset;
    }

    /**
     * Reads the file's lines, if it exists.
     *
     * @param createNow create the file and take its lock before reading it, so that no other run writes it from now
     *                  on; otherwise both happen at the first {@link #append} or {@link #truncateFrom}
     * @throws UncheckedIOException  if it cannot be created, or exists and cannot be read
     * @throws IllegalStateException if another run holds its lock
     */
    static JsonLinesFile open(Path path, boolean createNow) {
        Objects.requireNonNull(path, "path");
        FileChannel locked = null;
        if (createNow) {
            try {
                locked = lockedChannel(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path + ": " + reason(e), e);
            }
        }
        byte[] bytes;
        try {
            // through the locked channel when there is one: on Linux, closing any other handle on the file would
            // drop this process's lock on it
            bytes = locked != null ? readAll(locked) : Files.readAllBytes(path);
        } catch (NoSuchFileException absent) {
            bytes = new byte[0];
        } catch (IOException e) {
            closeQuietly(locked);
            throw new UncheckedIOException("cannot read " + path + ": " + reason(e), e);
        }
        List<Line> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                lines.add(new Line(lines.size() + 1, new String(bytes, start, end - start, StandardCharsets.UTF_8), start));
                start = i + 1;
            }
        }
        Optional<String> cut = start < bytes.length
                ? Optional.of(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8)) : Optional.empty();
        JsonLinesFile file = new JsonLinesFile(path, List.copyOf(lines), cut, start);
        file.channel = locked;
        return file;
    }

    Path path() {
        return path;
    }

    /** The complete lines read, blank ones included, in order. */
    List<Line> lines() {
        return lines;
    }

    /** What followed the last line break when the file was read: a line cut short by an interrupted write. */
    Optional<String> cutLine() {
        return cutLine;
    }

    /**
     * Checks that the cut line, if any, is what an interrupted append leaves (the start of a JSON object, not a
     * whole one), so that removing it loses nothing: text of another kind there (a file that is not this program's,
     * a whole record someone wrote without its line break) is refused instead.
     *
     * @throws IllegalStateException saying what to do
     */
    void requireCutLineFromAnInterruptedWrite() {
        if (cutLine.isEmpty()) {
            return;
        }
        String text = cutLine.get().strip();
        boolean whole;
        try {
            whole = JSON.readTree(text) != null;
        } catch (IOException cut) {
            whole = false;
        }
        if (!text.startsWith("{") || whole) {
            throw new IllegalStateException(path + " line " + (lines.size() + 1) + " has no line break after it and is "
                    + "not a line this program cut short, so it is left as it is: add the line break or remove the line, "
                    + "or write to another file");
        }
    }

    /**
     * Removes the lines from {@code index} (into {@link #lines()}) to the end of the file, the cut line included.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    void truncateFrom(int index) {
        long offset = index < lines.size() ? lines.get(index).offset() : cutOffset;
        try {
            open().truncate(offset);
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate " + path + ": " + reason(e), e);
        }
    }

    /**
     * Appends the lines, each followed by a line break, in one write, and forces them to the disk.
     *
     * @throws UncheckedIOException if they cannot be written
     */
    void append(List<String> texts) {
        StringBuilder block = new StringBuilder();
        texts.forEach(text -> block.append(text).append('\n'));
        ByteBuffer bytes = ByteBuffer.wrap(block.toString().getBytes(StandardCharsets.UTF_8));
        try {
            FileChannel file = open();
            file.position(file.size());
            while (bytes.hasRemaining()) {
                file.write(bytes);
            }
            file.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + reason(e), e);
        }
    }

    private FileChannel open() throws IOException {
        if (channel == null) {
            channel = lockedChannel(path);
        }
        return channel;
    }

    /**
     * The file opened for writing (created if absent) under its exclusive lock, which closing the channel releases.
     *
     * @throws IllegalStateException if another process holds the lock
     */
    private static FileChannel lockedChannel(Path path) throws IOException {
        FileChannel opened = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = opened.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // another JsonLinesFile of this process holds it: refused below like another process's
        } catch (IOException e) {
            opened.close();
            throw e;
        }
        if (lock == null) {
            opened.close();
            throw new IllegalStateException("another run is writing " + path + " (it is locked)");
        }
        return opened;
    }

    /** The whole file, read through {@code channel}. */
    private static byte[] readAll(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("the file is larger than 2 GB");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        long position = 0;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                break;
            }
            position += read;
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** Why a file operation failed, in words: the JDK's messages for these name only the file. */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "its folder does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // already failing
        }
    }

    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close(); // releases the lock too
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + path + ": " + reason(e), e);
        } finally {
            channel = null;
        }
    }
}
