package org.flipstorm.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code summary DIR [--csv FILE] [--confidence 0.99] [--engine duckdb|spark]}: prints the
 * per-layer table of a campaign (or of every campaign under DIR) and writes, beside the CSV file
 * (default {@code DIR/layer_summary.csv}): one CSV per table ({@code sdc_by_bit.csv},
 * {@code accuracy_confidence.csv}, {@code delta_quantiles.csv}, {@code top2diff_histogram.csv},
 * {@code study_comparison.csv} and {@code improvement_by_name.csv} when both variants are present, {@code activation_ranges.csv}), the charts
 * as PNG and SVG in {@code charts/}, and {@code report.html} with all of them.
 */
@Command(name = "summary", sortOptions = false, description = "Prints the per-layer table of a campaign (or of"
        + " every campaign under DIR) and writes every table as CSV, the charts (PNG and SVG) and report.html beside"
        + " the CSV.", exitCodeListHeading = "Exit status:%n", exitCodeList = {"0:written", "2:bad input",
            "1:an I/O failure"})
public final class SummaryMain implements Callable<Integer> {
    @Mixin
    HelpOption help;
    @Mixin
    DirOptions args;
    private final PrintStream out;

    /** The command on standard output. */
    public SummaryMain() {
        this(System.out);
    }

    private SummaryMain(PrintStream out) {
        this.out = out;
    }

    /** Entry point. */
    public static void main(String[] argv) {
        Cli.main(new SummaryMain(), argv);
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return Cli.execute(new SummaryMain(out), argv, out, err);
    }

    @Override
    public Integer call() throws IOException {
        Path dir = args.dir;
        Analysis a;
        // Refuses a campaign that is not complete (one line) unless --allow-partial.
        String partial = CommittedData.select(LayerSummary.trialsDir(dir), args.allowPartial).partialLabel();
        try (QueryEngine engine = args.openEngine()) {
            a = Analysis.of(engine, dir, args.confidence);
        }
        if (!partial.isEmpty()) {
            out.println(partial);
        }
        print(a.layers(), args.confidence, out);
        a.headlines().stream().filter(l -> !l.startsWith("most critical") && !l.startsWith("no layer of"))
                .forEach(out::println);
        Path target = (args.csv != null ? args.csv : dir.resolve("layer_summary.csv")).toAbsolutePath();
        Path outDir = target.getParent();
        List<String> written = new ArrayList<>();
        List<Table> tables = a.tables().stream().map(t -> partial.isEmpty() ? t
                : new Table(t.name(), partial + " | " + t.title(), t.columns(), t.rows())).toList();
        List<String> headlines = new ArrayList<>(a.headlines());
        if (!partial.isEmpty()) {
            headlines.add(0, partial);
        }
        for (Table t : tables) {
            Path f = t.name().equals("layer_summary") ? target : outDir.resolve(t.name() + ".csv");
            t.writeCsv(f);
            written.add(f.getFileName().toString());
        }
        List<Charts.Drawn> charts = a.charts(outDir.resolve("charts"));
        Path report = outDir.resolve("report.html");
        Report.write(report, (partial.isEmpty() ? "" : "PARTIAL ") + "FlipStorm campaign report: "
                + dir.getFileName(), headlines, tables, charts);
        out.println("wrote " + String.join(", ", written) + " and " + charts.size() + " charts (PNG + SVG) in "
                + outDir + "; open " + report);
        return Cli.OK;
    }

    /** Prints the table in fixed-width columns. */
    static void print(List<LayerSummary.Row> rows, double confidence, PrintStream out) {
        String ci = String.format(Locale.ROOT, "%.0f%% CI", confidence * 100);
        out.printf(Locale.ROOT, "%-24s %5s %-10s %8s %9s %-19s %10s %11s %9s %5s%n", "model", "layer", "name", "trials",
                "sdc_rate", ci, "non_finite", "mean_dloss", "sd_dloss", "ties");
        for (LayerSummary.Row r : rows) {
            out.printf(Locale.ROOT, "%-24s %5d %-10s %8d %9.4f [%.4f, %.4f]   %10.4f %11.4f %9.4f %5d%n", r.modelId(),
                    r.layerIndex(), r.layerName(), r.trials(), r.sdcRate(), r.sdcInterval().low(),
                    r.sdcInterval().high(), r.nonFiniteRate(), r.meanDeltaLoss(), r.sdDeltaLoss(), r.ties());
        }
        LayerSummary.mostCritical(rows).values().forEach(c -> out.println(c.sentence()));
    }
}
