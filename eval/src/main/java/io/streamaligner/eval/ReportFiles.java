package io.streamaligner.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Writes an evaluation's report folder: {@value #MARKDOWN}, {@value #JSON} and the chart {@value #CHART}. */
public final class ReportFiles {

    public static final String MARKDOWN = "report.md";
    public static final String JSON = "report.json";
    public static final String CHART = "chart.png";

    private ReportFiles() {
    }

    /**
     * Writes the three files into {@code folder}, creating it if needed, replacing earlier reports there.
     *
     * @return the files written
     * @throws UncheckedIOException when the folder cannot be written
     */
    public static List<Path> write(EvalReport report, Path folder) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(folder, "folder");
        try {
            Files.createDirectories(folder);
            Path markdown = Files.writeString(folder.resolve(MARKDOWN), ReportMarkdown.render(report, CHART), StandardCharsets.UTF_8);
            Path json = Files.writeString(folder.resolve(JSON), ReportJson.render(report), StandardCharsets.UTF_8);
            Path chart = folder.resolve(CHART);
            ReportChart.write(report, chart);
            return List.of(markdown, json, chart);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + folder, e);
        }
    }
}
