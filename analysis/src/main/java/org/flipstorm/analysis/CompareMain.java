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
public final class CompareMain {
    /** Exit status when at least one group regressed. */
    public static final int REGRESSION = 3;

    private CompareMain() {}

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
        int status = run(argv, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        String usage = "usage: compare CAMPAIGN_A CAMPAIGN_B [--confidence 0.99] [--out DIR] [--engine duckdb|spark]"
                + " [--force] [--allow-partial]";
        try {
            List<String> dirs = new ArrayList<>();
            double confidence = 0.99;
            Path outDir = null;
            String engineId = "duckdb";
            boolean force = false;
            boolean allowPartial = false;
            for (int i = 0; i < argv.length; i++) {
                switch (argv[i]) {
                    case "--confidence" -> confidence = Double.parseDouble(need(argv, ++i, usage));
                    case "--out" -> outDir = Path.of(need(argv, ++i, usage));
                    case "--engine" -> engineId = need(argv, ++i, usage);
                    case "--force" -> force = true;
                    case "--allow-partial" -> allowPartial = true;
                    default -> {
                        if (argv[i].startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + argv[i] + "; " + usage);
                        }
                        dirs.add(argv[i]);
                    }
                }
            }
            if (dirs.size() != 2) {
                throw new IllegalArgumentException("expected two campaign directories, got " + dirs.size() + "; "
                        + usage);
            }
            Path a = Path.of(dirs.get(0));
            Path b = Path.of(dirs.get(1));
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
            try (QueryEngine engine = QueryEngine.byId(engineId)) {
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
            return regressed > 0 ? REGRESSION : 0;
        } catch (NumberFormatException e) {
            err.println("compare: --confidence must be a number such as 0.99: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("compare: " + e.getMessage());
            return 2;
        } catch (IOException | IllegalStateException e) {
            err.println("compare: " + e.getMessage());
            return 1;
        }
    }

    /** Each model of a trial table with its fault setting, as {@code model format/fault/target/detector}. */
    static Set<String> settings(QueryEngine engine, Path trials) {
        Map<String, String> cols = new LinkedHashMap<>();
        for (String c : List.of("format", "fault_model", "target")) {
            cols.put(c, engine.hasColumn(trials, c) ? c : "'?'");
        }
        String legacy = engine.hasColumn(trials, "range_detector")
                ? "CASE WHEN range_detector THEN 'clamp' ELSE 'none' END" : "'?'";
        cols.put("detector", engine.hasColumn(trials, "range_detector_mode")
                ? "coalesce(range_detector_mode, " + legacy + ")" : legacy);
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

    private static String need(String[] argv, int i, String usage) {
        if (i >= argv.length) {
            throw new IllegalArgumentException("option " + argv[i - 1] + " needs a value; " + usage);
        }
        return argv[i];
    }
}
