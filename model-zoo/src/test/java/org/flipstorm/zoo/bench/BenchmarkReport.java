package org.flipstorm.zoo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the DL4J speed benchmarks with JMH and prints a Markdown table of images/s (and the
 * matrix-multiply GFLOP/s), as quoted in docs/PERFORMANCE.md.
 *
 * <pre>BenchmarkReport JVM_OPTIONS_FILE OUT.md [regex]</pre>
 * The forked JVMs get the options in {@code JVM_OPTIONS_FILE} (conf/jvm.options) and inherit the
 * environment (OMP_NUM_THREADS, GLIBC_TUNABLES). Spread is JMH's 99.9% confidence half-width over
 * 5 measured iterations of 4 s after 3 warm-up iterations, one fork.
 */
public final class BenchmarkReport {
    private BenchmarkReport() {}

    public static void main(String[] args) throws IOException, RunnerException {
        if (args.length < 2) {
            throw new IllegalArgumentException(
                    "usage: BenchmarkReport JVM_OPTIONS_FILE OUT.md [include-regex [PARAM=V1,V2 ...]]");
        }
        List<String> jvm = new ArrayList<>(org.flipstorm.zoo.runtime.JvmOptions.read(Path.of(args[0])));
        jvm.add("-Xmx4g");
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include(args.length > 2 ? args[2] : "org\\.flipstorm\\.zoo\\.bench\\..*Benchmark")
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(4))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(4))
                .jvmArgsAppend(jvm.toArray(String[]::new));
        // PARAM=V1,V2 narrows a @Param, e.g. batch=256 for the yardstick of a campaign measurement.
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException("'" + args[i] + "': expected PARAM=V1,V2 (e.g. batch=256)");
            }
            opts.param(kv[0], kv[1].split(","));
        }
        Collection<RunResult> results = new Runner(opts.build()).run();
        String table = table(results);
        System.out.println(table);
        Files.writeString(Path.of(args[1]), table);
    }

    static String table(Collection<RunResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | model | batch | result | spread (99.9% CI) | unit |\n");
        sb.append("|---|---|---|---:|---:|---|\n");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.(\\w+Benchmark)\\.\\w+$", "$1");
            Result<?> p = r.getPrimaryResult();
            double factor;
            String unit;
            String model;
            String batch;
            if (name.equals("MatmulBenchmark")) {
                double n = Double.parseDouble(r.getParams().getParam("n"));
                factor = 2 * n * n * n / 1e9;
                unit = "GFLOP/s";
                model = "mmul " + (int) n + "x" + (int) n + " fp32";
                batch = "-";
            } else {
                factor = Double.parseDouble(r.getParams().getParam("batch"));
                unit = name.equals("TrainingBenchmark") ? "train img/s" : "img/s";
                model = r.getParams().getParam("model");
                String cache = r.getParams().getParam("cache");
                if (cache != null) {
                    model += " (cache " + cache + ")";
                }
                batch = r.getParams().getParam("batch");
            }
            double err = Double.isNaN(p.getScoreError()) ? 0 : p.getScoreError();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %,.1f | ±%,.1f | %s |%n", name, model, batch,
                    p.getScore() * factor, err * factor, unit));
        }
        return sb.toString();
    }
}
