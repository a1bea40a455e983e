package org.flipstorm.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
            if (!Files.isDirectory(trials)) {
                throw new IllegalArgumentException("trial directory " + trials + " does not exist");
            }
            List<Improvement.Row> rows = Improvement.compute(trials, confidence);
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("no layer under " + trials + " has both a baseline and a"
                        + " text_guided variant of one architecture");
            }
            List<String> lines = new ArrayList<>();
            lines.add("architecture,layer_index,layer_name,baseline_sdc,baseline_trials,text_guided_sdc,"
                    + "text_guided_trials,improvement,ci_low,ci_high");
            out.printf(Locale.ROOT, "%-12s %5s %-14s %10s %10s %12s  %.0f%% CI%n", "architecture", "layer", "name",
                    "baseline", "text", "improvement", confidence * 100);
            Set<String> archs = new LinkedHashSet<>();
            for (Improvement.Row r : rows) {
                archs.add(r.architecture());
                out.printf(Locale.ROOT, "%-12s %5d %-14s %10.4f %10.4f %11.2fx  [%.2f, %.2f]%n", r.architecture(),
                        r.layerIndex(), r.layerName(), r.baselineSdc() / (double) r.baselineTrials(),
                        r.guidedSdc() / (double) r.guidedTrials(), r.ratio(), r.interval().low(), r.interval().high());
                lines.add(String.format(Locale.ROOT, "%s,%d,%s,%d,%d,%d,%d,%.6f,%.6f,%.6f", r.architecture(),
                        r.layerIndex(), r.layerName(), r.baselineSdc(), r.baselineTrials(), r.guidedSdc(),
                        r.guidedTrials(), r.ratio(), r.interval().low(), r.interval().high()));
            }
            for (String a : archs) {
                double[] h = Improvement.headline(rows, a);
                out.printf(Locale.ROOT, "%s: last layer %.2fx, overall (mean over layers) %.2fx%n", a, h[0], h[1]);
            }
            Path target = csv != null ? csv : dir.resolve("improvement.csv");
            Files.write(target, lines);
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
