package org.flipstorm.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code summary DIR [--csv FILE] [--confidence 0.95]}: prints the per-layer table of a campaign
 * and writes it as CSV (default {@code DIR/layer_summary.csv}), with the SDC rate by format and bit
 * ({@code sdc_by_bit.csv}) and accuracy against golden confidence ({@code accuracy_confidence.csv})
 * beside it.
 */
public final class SummaryMain {
    private SummaryMain() {}

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
            DirArgs args = DirArgs.parse(argv, "summary", 0.95);
            Path dir = args.dir();
            Path csv = args.csv();
            double confidence = args.confidence();
            List<LayerSummary.Row> rows = LayerSummary.compute(LayerSummary.trialsDir(dir), confidence);
            print(rows, confidence, out);
            Path target = csv != null ? csv : dir.resolve("layer_summary.csv");
            writeCsv(rows, target);
            Path bits = target.resolveSibling("sdc_by_bit.csv");
            BitSummary.writeCsv(BitSummary.compute(LayerSummary.trialsDir(dir), confidence), bits);
            Path acc = target.resolveSibling("accuracy_confidence.csv");
            writeAccuracyCsv(AccuracyConfidence.compute(LayerSummary.trialsDir(dir),
                    AccuracyConfidence.DEFAULT_THRESHOLDS), acc);
            Path delta = target.resolveSibling("delta_quantiles.csv");
            Path margin = target.resolveSibling("top2diff_histogram.csv");
            writeDistributions(LayerSummary.trialsDir(dir), delta, margin);
            out.println("wrote " + target + ", " + bits.getFileName() + ", " + acc.getFileName() + ", "
                    + delta.getFileName() + " and " + margin.getFileName());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("summary: " + e.getMessage());
            return 2;
        } catch (IOException | IllegalStateException e) {
            err.println("summary: " + e.getMessage());
            return 1;
        }
    }



    /** Prints the table in fixed-width columns. */
    static void print(List<LayerSummary.Row> rows, double confidence, PrintStream out) {
        String ci = String.format(Locale.ROOT, "%.0f%% CI", confidence * 100);
        out.printf(Locale.ROOT, "%-24s %5s %-10s %8s %9s %-19s %10s %11s %9s%n", "model", "layer", "name", "trials",
                "sdc_rate", ci, "non_finite", "mean_dloss", "sd_dloss");
        for (LayerSummary.Row r : rows) {
            out.printf(Locale.ROOT, "%-24s %5d %-10s %8d %9.4f [%.4f, %.4f]   %10.4f %11.4f %9.4f%n", r.modelId(),
                    r.layerIndex(), r.layerName(), r.trials(), r.sdcRate(), r.sdcInterval().low(),
                    r.sdcInterval().high(), r.nonFiniteRate(), r.meanDeltaLoss(), r.sdDeltaLoss());
        }
        LayerSummary.mostCritical(rows).forEach((model, r) -> out.printf(Locale.ROOT,
                "most critical layer of %s: %s (index %d), SDC rate %.4f%n", model, r.layerName(), r.layerIndex(),
                r.sdcRate()));
    }

    /** Writes the table as CSV, atomically. */
    static void writeCsv(List<LayerSummary.Row> rows, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("model_id,layer_index,layer_name,trials,sdc,sdc_rate,sdc_ci_low,sdc_ci_high,non_finite,"
                + "non_finite_rate,mean_delta_loss,sd_delta_loss");
        for (LayerSummary.Row r : rows) {
            lines.add(String.format(Locale.ROOT, "%s,%d,%s,%d,%d,%.6f,%.6f,%.6f,%d,%.6f,%.6f,%.6f", csv(r.modelId()),
                    r.layerIndex(), csv(r.layerName()), r.trials(), r.sdc(), r.sdcRate(), r.sdcInterval().low(),
                    r.sdcInterval().high(), r.nonFinite(), r.nonFiniteRate(), r.meanDeltaLoss(), r.sdDeltaLoss()));
        }
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), ".summary", ".csv.tmp");
        try {
            Files.write(tmp, lines);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeAccuracyCsv(List<AccuracyConfidence.Row> rows, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("model_id,threshold,images,kept,clean_accuracy,trials,faulty_accuracy");
        for (AccuracyConfidence.Row r : rows) {
            lines.add(String.format(Locale.ROOT, "%s,%.4f,%d,%.6f,%.6f,%d,%.6f", csv(r.modelId()), r.threshold(),
                    r.images(), r.kept(), r.cleanAccuracy(), r.trials(), r.faultyAccuracy()));
        }
        Files.write(file, lines);
    }

    private static void writeDistributions(Path trialsDir, Path delta, Path margin) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("model_id,layer_index,layer_name,finite_trials,q10,q25,q50,q75,q90,q99");
        for (Distributions.DeltaRow r : Distributions.deltaQuantiles(trialsDir)) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s,%d,%s,%d", csv(r.modelId()),
                    r.layerIndex(), csv(r.layerName()), r.finiteTrials()));
            for (double q : r.quantiles()) {
                sb.append(String.format(Locale.ROOT, ",%.6g", q));
            }
            lines.add(sb.toString());
        }
        Files.write(delta, lines);
        List<String> bins = new ArrayList<>();
        bins.add("model_id,variant,margin_from,margin_to,images");
        for (Distributions.MarginBin b : Distributions.marginHistogram(trialsDir)) {
            bins.add(String.format(Locale.ROOT, "%s,%s,%.1f,%.1f,%d", csv(b.modelId()), b.variant(), b.bin() / 10.0,
                    (b.bin() + 1) / 10.0, b.images()));
        }
        Files.write(margin, bins);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
