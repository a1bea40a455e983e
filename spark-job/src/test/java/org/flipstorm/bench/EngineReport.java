package org.flipstorm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link EngineBenchmark} with JMH and writes a Markdown table of trials/s per model and
 * method, with FlipStorm's speed-up over naive and batched-naive.
 *
 * <pre>EngineReport JVM_OPTIONS_FILE OUT.md [-p name=v1,v2 ...]</pre>
 */
public final class EngineReport {
    private EngineReport() {}

    public static void main(String[] args) throws IOException, RunnerException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: EngineReport JVM_OPTIONS_FILE OUT.md [-p name=v1,v2 ...]");
        }
        Dl4jRuntime.configure();
        List<String> jvm = new ArrayList<>(org.flipstorm.zoo.runtime.JvmOptions.read(Path.of(args[0])));
        jvm.add("-Xmx4g");
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include(EngineBenchmark.class.getName() + ".run")
                .forks(1)
                .warmupIterations(Integer.getInteger("flipstorm.bench.warmups", 2))
                .warmupTime(TimeValue.seconds(Integer.getInteger("flipstorm.bench.seconds", 5)))
                .measurementIterations(Integer.getInteger("flipstorm.bench.iterations", 4))
                .measurementTime(TimeValue.seconds(Integer.getInteger("flipstorm.bench.seconds", 5)))
                .jvmArgsAppend(jvm.toArray(String[]::new));
        for (int i = 2; i + 1 < args.length; i += 2) {
            if (!args[i].equals("-p")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String[] kv = args[i + 1].split("=", 2);
            opts.param(kv[0], kv[1].split(","));
        }
        Collection<RunResult> results = new Runner(opts.build()).run();
        String table = table(results);
        System.out.println(table);
        Files.writeString(Path.of(args[1]), table);
    }

    static String table(Collection<RunResult> results) {
        Map<String, Double> rate = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        sb.append("| model | layer | method | batch | trials/op | trials/s | spread (99.9% CI) |\n"
                + "|---|---|---|---:|---:|---:|---:|\n");
        for (RunResult r : results) {
            String model = r.getParams().getParam("model");
            String method = r.getParams().getParam("method");
            String batch = r.getParams().getParam("batch");
            String site = r.getParams().getParam("site");
            int perOp = EngineBenchmark.trialsPerOp(model, Integer.parseInt(r.getParams().getParam("faultsPerSite")),
                    site);
            String layer = EngineBenchmark.siteName(model, site);
            double score = r.getPrimaryResult().getScore() * perOp;
            double err = r.getPrimaryResult().getScoreError() * perOp;
            rate.put(model + "|" + method + "|" + batch + "|" + layer, score);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %,d | %,.0f | ±%,.0f |%n", model, layer, method,
                    batch, perOp, score, Double.isNaN(err) ? 0 : err));
        }
        sb.append("\n| model | layer | batch | FlipStorm / naive | FlipStorm / batched-naive |\n|---|---|---:|---:|---:|\n");
        for (Map.Entry<String, Double> e : rate.entrySet()) {
            String[] k = e.getKey().split("\\|");
            if (k[1].equals("flipstorm")) {
                Double naive = rate.get(k[0] + "|naive|" + k[2] + "|" + k[3]);
                Double batched = rate.get(k[0] + "|batched-naive|" + k[2] + "|" + k[3]);
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", k[0], k[3], k[2],
                        naive == null ? "-" : String.format(Locale.ROOT, "%.1fx", e.getValue() / naive),
                        batched == null ? "-" : String.format(Locale.ROOT, "%.1fx", e.getValue() / batched)));
            }
        }
        return sb.toString();
    }
}
