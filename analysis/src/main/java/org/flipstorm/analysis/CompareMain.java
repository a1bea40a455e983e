package org.flipstorm.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import org.flipstorm.common.schema.TrialColumn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code compare A B [--confidence 0.99] [--out DIR] [--engine duckdb|spark]}: the nightly
 * regression check. For every (model, layer) group in both campaigns it compares the SDC rates;
 * a group <em>moved</em> when each rate lies outside the other's Wilson interval, and it
 * <em>regressed</em> when it moved up. Writes {@code compare.csv} and {@code compare.html} (default:
 * into B) and exits 3 if any group regressed, 0 otherwise (2 on bad input, 1 on I/O errors).
 *
 * <p>A comparison that cannot mean anything is refused with exit 2 unless {@code --force}: the two
 * campaigns share no group, or their models or fault settings (format, fault model, target,
 * detector) differ. A nightly check that compared nothing must not pass.
 */
@Command(name = "compare", sortOptions = false, description = "The nightly regression check: compares the SDC"
        + " rate of every (model, layer) group in two campaigns; a group moved when each rate lies outside the"
        + " other's Wilson interval, and regressed when it moved up. Writes compare.csv and compare.html.",
        exitCodeListHeading = "Exit status:%n", exitCodeList = {"0:no group regressed", "3:a group regressed",
            "2:bad input, or campaigns that cannot be compared (without --force)", "1:an I/O failure"})
public final class CompareMain implements Callable<Integer> {
    /** Exit status when at least one group regressed. */
    public static final int REGRESSION = 3;

    @Mixin
    HelpOption help;
    @Parameters(index = "0", arity = "0..1", paramLabel = "CAMPAIGN_A",
            description = "The earlier campaign (or trials) directory.")
    Path a;
    @Parameters(index = "1", arity = "0..1", paramLabel = "CAMPAIGN_B", description = "The later one.")
    Path b;
    @Option(names = "--previous-of", paramLabel = "CAMPAIGN", description = "Instead of A and B: compare CAMPAIGN, a"
            + " nightly NAME-YYYY-MM-DD on any Hadoop file system (hdfs:, s3a:, a local path), with the latest earlier"
            + " night beside it (copied here first when not local); exit 0 with a line when there is none.")
    String previousOf;
    @Option(names = "--confidence", paramLabel = "C", defaultValue = "0.99",
            description = "Confidence of the Wilson intervals (default: ${DEFAULT-VALUE}).")
    double confidence;
    @Option(names = "--out", paramLabel = "DIR", description = "Where compare.csv and compare.html go (default:"
            + " CAMPAIGN_B).")
    Path outDir;
    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "duckdb",
            description = "duckdb or spark (default: ${DEFAULT-VALUE}).")
    DirOptions.Engine engineKind;
    @Option(names = "--force", description = "Compare even campaigns of different models or fault settings, or"
            + " with no shared group.")
    boolean force;
    @Option(names = "--allow-partial", description = "Read campaigns that are not complete; output labelled PARTIAL.")
    boolean allowPartial;
    private final PrintStream out;

    /** The command on standard output. */
    public CompareMain() {
        this(System.out);
    }

    private CompareMain(PrintStream out) {
        this.out = out;
    }

    /**
     * One group's comparison.
     *
     * @param modelId model id
     * @param layerName layer name
     * @param a the group in campaign A (null if absent)
     * @param b the group in campaign B (null if absent)
     * @param verdict {@code regressed}, {@code improved}, {@code unchanged}, {@code only_in_a} or {@code only_in_b}
     */
    public record Diff(String modelId, String layerName, LayerSummary.Row a, LayerSummary.Row b, String verdict) {}

    /** Entry point. */
    public static void main(String[] argv) {
        Cli.main(new CompareMain(), argv);
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return Cli.execute(new CompareMain(out), argv, out, err);
    }

    @Override
    public Integer call() throws IOException {
        if (previousOf != null) {
            return againstPreviousNight();
        }
        if (a == null || b == null) {
            throw new IllegalArgumentException("expected two campaign directories CAMPAIGN_A CAMPAIGN_B, or"
                    + " --previous-of CAMPAIGN");
        }
        return compareDirectories();
    }

    /** {@code --previous-of}: finds the night before, makes both local, compares them. */
    private int againstPreviousNight() throws IOException {
        if (a != null || b != null) {
            throw new IllegalArgumentException("--previous-of takes no CAMPAIGN_A or CAMPAIGN_B");
        }
        java.util.Optional<String> previous = NightlyRuns.previous(previousOf);
        if (previous.isEmpty()) {
            out.println("no earlier night than " + previousOf + " to compare with");
            return Cli.OK;
        }
        Path tmp = java.nio.file.Files.createTempDirectory("flipstorm-compare");
        try {
            a = NightlyRuns.local(previous.get(), tmp);
            b = NightlyRuns.local(previousOf, tmp);
            if (outDir == null && !NightlyRuns.isLocal(previousOf)) {
                outDir = Path.of("compare-" + b.getFileName());
                java.nio.file.Files.createDirectories(outDir);
            }
            out.println("comparing " + previousOf + " with the night before, " + previous.get());
            return compareDirectories();
        } finally {
            try (var walk = java.nio.file.Files.walk(tmp)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            }
        }
    }

    private int compareDirectories() throws IOException {
        List<Diff> diffs;
        List<String> labels = new ArrayList<>();
        for (Path d : List.of(a, b)) {
            String l = CommittedData.select(LayerSummary.trialsDir(d), allowPartial).partialLabel();
            if (!l.isEmpty()) {
                labels.add(d + ": " + l);
            }
        }
        String partial = String.join("; ", labels);
        if (!partial.isEmpty()) {
            out.println(partial);
        }
        try (QueryEngine engine = engineKind.open()) {
            engine.allowPartial(allowPartial);
            Path ta = LayerSummary.trialsDir(a);
            Path tb = LayerSummary.trialsDir(b);
            LayerSummary.requireDirectory(ta);
            LayerSummary.requireDirectory(tb);
            diffs = compare(LayerSummary.compute(engine, ta, confidence),
                    LayerSummary.compute(engine, tb, confidence));
            if (!force) {
                Set<String> sa = settings(engine, ta);
                Set<String> sb = settings(engine, tb);
                if (!sa.equals(sb)) {
                    throw new IllegalArgumentException("A and B differ in models or fault settings (A " + sa + ", B "
                            + sb + "), so their SDC rates are not comparable; pass --force to compare anyway");
                }
            }
        }
        long shared = diffs.stream().filter(d -> d.a() != null && d.b() != null).count();
        if (shared == 0 && !force) {
            throw new IllegalArgumentException("A and B share no (model, layer) group, so nothing would be"
                    + " compared; pass --force to write the table anyway");
        }
        Path target = outDir != null ? outDir : b;
        Table table = table(diffs, confidence);
        table.writeCsv(target.resolve("compare.csv"));
        long regressed = diffs.stream().filter(d -> d.verdict().equals("regressed")).count();
        long improved = diffs.stream().filter(d -> d.verdict().equals("improved")).count();
        String headline = String.format(Locale.ROOT, "%s vs %s: %d groups compared, %d regressed, %d improved"
                + " beyond both %.0f%% intervals", a, b, diffs.size(), regressed, improved, confidence * 100);
        Report.write(target.resolve("compare.html"), "FlipStorm nightly comparison", List.of(headline),
                List.of(table), List.of());
        for (Diff d : diffs) {
            if (!d.verdict().equals("unchanged")) {
                out.printf(Locale.ROOT, "%-9s %s / %s: %s -> %s%n", d.verdict(), d.modelId(), d.layerName(),
                        rate(d.a()), rate(d.b()));
            }
        }
        out.println(headline);
        out.println("wrote " + target.resolve("compare.csv") + " and " + target.resolve("compare.html"));
        return regressed > 0 ? REGRESSION : Cli.OK;
    }

    /** Each model of a trial table with its fault setting, as {@code model format/fault/target/detector}. */
    static Set<String> settings(QueryEngine engine, Path trials) {
        Map<String, String> cols = new LinkedHashMap<>();
        for (TrialColumn c : List.of(TrialColumn.FORMAT, TrialColumn.FAULT_MODEL, TrialColumn.TARGET)) {
            cols.put(c.id(), engine.hasColumn(trials, c.id()) ? c.id() : "'?'");
        }
        String legacy = engine.hasColumn(trials, TrialColumn.RANGE_DETECTOR.id()) ? StudyRatios.LEGACY_DETECTOR : "'?'";
        cols.put("detector", engine.hasColumn(trials, TrialColumn.RANGE_DETECTOR_MODE.id())
                ? "coalesce(" + TrialColumn.RANGE_DETECTOR_MODE.id() + ", " + legacy + ")" : legacy);
        return new java.util.TreeSet<>(engine.query(trials, "fault_settings.sql", cols, r -> r.getString("model_id")
                + " " + r.getString("format") + "/" + r.getString("fault_model") + "/" + r.getString("target")
                + "/detector=" + r.getString("detector")));
    }

    /** Pairs the groups of two layer tables by (model, layer name) and judges each. */
    public static List<Diff> compare(List<LayerSummary.Row> a, List<LayerSummary.Row> b) {
        Map<String, LayerSummary.Row[]> groups = new LinkedHashMap<>();
        a.forEach(r -> groups.computeIfAbsent(key(r), k -> new LayerSummary.Row[2])[0] = r);
        b.forEach(r -> groups.computeIfAbsent(key(r), k -> new LayerSummary.Row[2])[1] = r);
        List<Diff> out = new ArrayList<>();
        for (LayerSummary.Row[] g : groups.values()) {
            LayerSummary.Row any = g[0] != null ? g[0] : g[1];
            out.add(new Diff(any.modelId(), any.layerName(), g[0], g[1], verdict(g[0], g[1])));
        }
        return out;
    }

    private static String verdict(LayerSummary.Row a, LayerSummary.Row b) {
        if (a == null) {
            return "only_in_b";
        }
        if (b == null) {
            return "only_in_a";
        }
        boolean bOutsideA = b.sdcRate() < a.sdcInterval().low() || b.sdcRate() > a.sdcInterval().high();
        boolean aOutsideB = a.sdcRate() < b.sdcInterval().low() || a.sdcRate() > b.sdcInterval().high();
        if (!(bOutsideA && aOutsideB)) {
            return "unchanged";
        }
        return b.sdcRate() > a.sdcRate() ? "regressed" : "improved";
    }

    private static Table table(List<Diff> diffs, double confidence) {
        List<List<String>> rows = new ArrayList<>();
        for (Diff d : diffs) {
            List<String> r = new ArrayList<>(List.of(d.modelId(), d.layerName()));
            for (LayerSummary.Row x : new LayerSummary.Row[] {d.a(), d.b()}) {
                r.add(x == null ? "" : Long.toString(x.trials()));
                r.add(x == null ? "" : f6(x.sdcRate()));
                r.add(x == null ? "" : f6(x.sdcInterval().low()));
                r.add(x == null ? "" : f6(x.sdcInterval().high()));
            }
            r.add(d.verdict());
            rows.add(r);
        }
        return new Table("compare", String.format(Locale.ROOT, "SDC rate per layer, A vs B (%.0f%% Wilson intervals)",
                confidence * 100), List.of("model_id", "layer_name", "a_trials", "a_sdc_rate", "a_ci_low", "a_ci_high",
                "b_trials", "b_sdc_rate", "b_ci_low", "b_ci_high", "verdict"), rows);
    }

    private static String key(LayerSummary.Row r) {
        return r.modelId() + "\u0000" + r.layerName();
    }

    private static String rate(LayerSummary.Row r) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", r.sdcRate(), r.sdcInterval().low(),
                r.sdcInterval().high());
    }

    private static String f6(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
