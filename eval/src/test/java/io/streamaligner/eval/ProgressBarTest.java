package io.streamaligner.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private final StringWriter err = new StringWriter();

    @Test
    void shouldPrintALinePerTenthWhenNotOnATerminal() {
        ProgressBar bar = new ProgressBar(new PrintWriter(err), false);

        bar.start("stream", 20);
        for (int i = 0; i < 20; i++) {
            bar.step();
        }
        bar.finish();

        assertThat(err.toString().lines()).hasSize(11);
        assertThat(err.toString().lines().findFirst().orElseThrow()).startsWith("stream    [......");
        assertThat(err.toString().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("stream    [" + "#".repeat(30) + "] 20/20");
    }

    @Test
    void shouldRedrawOneLineInPlaceOnATerminal() {
        ProgressBar bar = new ProgressBar(new PrintWriter(err), true);

        bar.start("posthoc", 3);
        bar.step();
        bar.step();
        bar.step();
        bar.finish();

        assertThat(err.toString()).startsWith("\rposthoc").contains("3/3").endsWith(System.lineSeparator());
        assertThat(err.toString().chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }
}
