package org.flipstorm.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code improvement DIR [--confidence 0.99] [--csv FILE]}: the reliability improvement of text
 * guidance per layer (baseline SDC rate / text-guided SDC rate, Katz interval) for every
 * architecture with both variants under DIR (trial Parquet of one or more campaigns), and the
 * study's headline figures (last layer, mean over layers).
 */
public final class ImprovementMain {
    private ImprovementMain() {}

    /** Entry point. */
    public static void main(String[] argv) {
        int status = run(argv, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        try {
            DirArgs args = DirArgs.parse(argv, "improvement", 0.99);
            Path dir = args.dir();
            Path csv = args.csv();
            double confidence = args.confidence();
            Path trials = LayerSummary.trialsDir(dir);
            LayerSummary.requireDirectory(trials);
            List<Improvement.Row> rows = Improvement.compute(trials, confidence);
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("no layer under " + trials + " has both a baseline and a"
                        + " text_guided variant of one architecture");
            }
            out.printf(Locale.ROOT, "%-12s %5s %-14s %10s %10s %12s  %.0f%% CI%n", "architecture", "layer", "name",
                    "baseline", "text", "improvement", confidence * 100);
            Set<String> archs = new LinkedHashSet<>();
            for (Improvement.Row r : rows) {
                archs.add(r.architecture());
                out.printf(Locale.ROOT, "%-12s %5d %-14s %10.4f %10.4f %11.2fx  [%.2f, %.2f]%n", r.architecture(),
                        r.layerIndex(), r.layerName(), r.baselineSdc() / (double) r.baselineTrials(),
                        r.guidedSdc() / (double) r.guidedTrials(), r.ratio(), r.interval().low(), r.interval().high());
            }
            for (String a : archs) {
                double[] h = Improvement.headline(rows, a);
                out.printf(Locale.ROOT, "%s: last layer %.2fx, overall (mean over layers) %.2fx%n", a, h[0], h[1]);
            }
            Path target = csv != null ? csv : dir.resolve("improvement.csv");
            Analysis.improvementTable(rows, confidence).writeCsv(target);
            out.println("wrote " + target);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("improvement: " + e.getMessage());
            return 2;
        } catch (IOException | IllegalStateException e) {
            err.println("improvement: " + e.getMessage());
            return 1;
        }
    }
}
