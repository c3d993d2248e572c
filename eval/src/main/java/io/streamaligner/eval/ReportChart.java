package io.streamaligner.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;

/**
 * The report's PNG chart, drawn with Java2D: accuracy per arm on the left, latency per arm on the right (median
 * time to first aligned sentence, round and whole answer, in ms). Headless, so it draws on servers and in CI.
 */
final class ReportChart {

    static {
        // no display is needed to draw into an image; set before AWT first initialises
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final int WIDTH = 1000;
    static final int HEIGHT = 460;

    private static final Color AXIS = new Color(0x33, 0x33, 0x33);
    private static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    private static final Color[] ARM_COLORS = {new Color(0x8C, 0x8C, 0x8C), new Color(0x1F, 0x77, 0xB4), new Color(0xFF, 0x7F, 0x0E)};
    private static final Color[] LATENCY_COLORS = {new Color(0x2C, 0xA0, 0x2C), new Color(0x94, 0x67, 0xBD), new Color(0xD6, 0x27, 0x28)};
    private static final List<String> LATENCY_NAMES = List.of("TTFS p50", "round p50", "total p50");
    private static final int TOP = 70;
    private static final int BOTTOM = HEIGHT - 60;

    private ReportChart() {
    }

    static void write(EvalReport report, Path file) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(AXIS);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString("Stream Aligner eval: " + report.items().size() + " questions, the same in every arm", 20, 26);
            List<ArmMetrics> arms = report.metrics();
            drawAccuracy(g, arms, 70, 420);
            drawLatency(g, arms, 520, 980);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    private static void drawAccuracy(Graphics2D g, List<ArmMetrics> arms, int left, int right) {
        title(g, "Accuracy", left, right);
        axis(g, left, right, 1.0, 0.25, value -> String.format(Locale.ROOT, "%.2f", value));
        int slot = (right - left) / Math.max(1, arms.size());
        int barWidth = Math.min(80, slot * 3 / 5);
        for (int i = 0; i < arms.size(); i++) {
            ArmMetrics arm = arms.get(i);
            int x = left + i * slot + (slot - barWidth) / 2;
            OptionalDouble accuracy = arm.accuracy();
            String label = accuracy.isPresent() ? String.format(Locale.ROOT, "%.3f", accuracy.getAsDouble()) : "n/a";
            double value = accuracy.orElse(0);
            bar(g, x, barWidth, value / 1.0, ARM_COLORS[arm.arm().ordinal()], label);
            centered(g, arm.arm().label(), x + barWidth / 2, BOTTOM + 20, 13, Font.PLAIN);
        }
    }

    private static void drawLatency(Graphics2D g, List<ArmMetrics> arms, int left, int right) {
        title(g, "Latency per answer (ms, medians)", left, right);
        double max = 0;
        for (ArmMetrics arm : arms) {
            for (double value : latencies(arm)) {
                if (!Double.isNaN(value)) {
                    max = Math.max(max, value);
                }
            }
        }
        double step = niceStep(max > 0 ? max / 5 : 1);
        double top = Math.max(step, Math.ceil(max / step) * step);
        axis(g, left, right, top, step, value -> String.format(Locale.ROOT, "%.0f", value));
        int slot = (right - left) / Math.max(1, arms.size());
        int barWidth = Math.min(40, slot / 4);
        for (int i = 0; i < arms.size(); i++) {
            ArmMetrics arm = arms.get(i);
            double[] values = latencies(arm);
            int groupLeft = left + i * slot + (slot - barWidth * values.length) / 2;
            for (int m = 0; m < values.length; m++) {
                String label = Double.isNaN(values[m]) ? "-" : String.format(Locale.ROOT, "%.0f", values[m]);
                bar(g, groupLeft + m * barWidth, barWidth - 4, Double.isNaN(values[m]) ? 0 : values[m] / top,
                        LATENCY_COLORS[m], label);
            }
            centered(g, arm.arm().label(), groupLeft + barWidth * values.length / 2, BOTTOM + 20, 13, Font.PLAIN);
        }
        int legendX = left;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int m = 0; m < LATENCY_NAMES.size(); m++) {
            g.setColor(LATENCY_COLORS[m]);
            g.fillRect(legendX, BOTTOM + 34, 12, 12);
            g.setColor(AXIS);
            g.drawString(LATENCY_NAMES.get(m), legendX + 16, BOTTOM + 45);
            legendX += g.getFontMetrics().stringWidth(LATENCY_NAMES.get(m)) + 40;
        }
    }

    private static double[] latencies(ArmMetrics arm) {
        return new double[] {arm.firstSentence().p50Ms(), arm.round().p50Ms(), arm.total().p50Ms()};
    }

    private static void title(Graphics2D g, String title, int left, int right) {
        centered(g, title, (left + right) / 2, TOP - 18, 15, Font.BOLD);
    }

    /** The y axis from 0 to {@code top} with a grid line and label every {@code step}. */
    private static void axis(Graphics2D g, int left, int right, double top, double step,
                             java.util.function.DoubleFunction<String> label) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics metrics = g.getFontMetrics();
        for (double value = 0; value <= top + step / 1000; value += step) {
            int y = BOTTOM - (int) Math.round((BOTTOM - TOP) * value / top);
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(AXIS);
            String text = label.apply(value);
            g.drawString(text, left - 6 - metrics.stringWidth(text), y + 4);
        }
        g.setColor(AXIS);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(left, TOP, left, BOTTOM);
        g.drawLine(left, BOTTOM, right, BOTTOM);
        g.setStroke(new BasicStroke(1f));
    }

    /** A bar of {@code fraction} of the plot's height, with its value above it. */
    private static void bar(Graphics2D g, int x, int width, double fraction, Color color, String label) {
        int height = (int) Math.round((BOTTOM - TOP) * Math.max(0, Math.min(1, fraction)));
        g.setColor(color);
        g.fillRect(x, BOTTOM - height, width, height);
        g.setColor(AXIS);
        centered(g, label, x + width / 2, BOTTOM - height - 5, 11, Font.PLAIN);
    }

    private static void centered(Graphics2D g, String text, int centerX, int baseline, int size, int style) {
        g.setFont(new Font(Font.SANS_SERIF, style, size));
        g.setColor(AXIS);
        g.drawString(text, centerX - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (factor * magnitude >= rough) {
                return factor * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
