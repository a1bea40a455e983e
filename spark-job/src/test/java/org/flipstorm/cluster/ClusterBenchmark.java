package org.flipstorm.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same campaign on {@code local[2]} and on a standalone cluster of two one-core Workers on
 * this machine (same cores), each submitted with the job jar, alternating, several times: trials
 * per second (the campaign's wall time, executor start-up included, as a user sees it) and Spark
 * overhead per task (task time minus engine time, from the shard commits). Writes a Markdown
 * report. Run by {@code submit-scripts/benchmark-cluster.sh}; arguments: REPORT.md [repetitions]
 * [images] [trials-per-layer].
 */
public final class ClusterBenchmark {
    private static final Pattern DONE = Pattern.compile("done: ([\\d,]+) trials in ([\\d.]+) s");
    private static final Pattern OVERHEAD = Pattern.compile(
            "ran (\\d+) shards .* task time ([\\d.]+) s, of which engine ([\\d.]+) s; Spark and I/O overhead (\\d+) ms");

    private ClusterBenchmark() {}

    private record Run(String where, long trials, double seconds, int shards, double taskSeconds,
                       double engineSeconds, long overheadMs) {}

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "cluster-benchmark.md").toAbsolutePath();
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int images = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int perLayer = args.length > 3 ? Integer.parseInt(args[3]) : 4000;
        Path dir = Files.createTempDirectory("flipstorm-cluster-bench");
        List<Run> runs = new ArrayList<>();
        try (StandaloneCluster cluster = ClusterFixtures.cluster(dir.resolve("spark"), 2)) {
            for (int r = 0; r < reps; r++) {
                for (String master : List.of("local[2]", cluster.masterUrl())) {
                    String where = master.startsWith("local") ? "local[2]" : "standalone 2x1 core";
                    String log = "run-" + r + "-" + (master.startsWith("local") ? "local" : "standalone");
                    Path conf = ClusterFixtures.config(dir, "b" + r, dir.resolve(log).toString(), images, perLayer,
                            "images-per-shard = 25");
                    int status = ClusterFixtures.submitAndWait(cluster, log, master, conf, 3600);
                    String out = cluster.log(log);
                    if (status != 0) {
                        throw new IllegalStateException(log + " failed (" + status + "):\n" + out);
                    }
                    runs.add(parse(where, out));
                    System.out.println(where + ": " + runs.get(runs.size() - 1));
                }
            }
        }
        Files.writeString(report, markdown(runs, images, perLayer), StandardCharsets.UTF_8);
        System.out.println("wrote " + report);
    }

    private static Run parse(String where, String log) {
        Matcher d = DONE.matcher(log);
        Matcher o = OVERHEAD.matcher(log);
        if (!d.find() || !o.find()) {
            throw new IllegalStateException("no 'done:' or 'ran N shards' line in:\n" + log);
        }
        return new Run(where, Long.parseLong(d.group(1).replace(",", "")), Double.parseDouble(d.group(2)),
                Integer.parseInt(o.group(1)), Double.parseDouble(o.group(2)), Double.parseDouble(o.group(3)),
                Long.parseLong(o.group(4)));
    }

    private static String markdown(List<Run> runs, int images, int perLayer) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# local[2] vs standalone cluster%n%nBundled LeNet, %d Fashion-MNIST"
                + " images (all eligible), %d trials per layer x 6 layers, 25 images per shard; each run"
                + " submitted with the job jar by SparkSubmit (client mode). Wall time from the start of the"
                + " campaign to its last commit (executor start-up included); overhead = task time - engine"
                + " time, per task.%n%n", images, perLayer));
        sb.append("| where | trials | wall s | trials/s | shards | task s | engine s | overhead ms/task |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %d | %.1f | %.1f | %d |%n", r.where(),
                    r.trials(), r.seconds(), r.trials() / r.seconds(), r.shards(), r.taskSeconds(),
                    r.engineSeconds(), r.overheadMs()));
        }
        for (String where : runs.stream().map(Run::where).distinct().toList()) {
            double[] rates = runs.stream().filter(r -> r.where().equals(where)).mapToDouble(r -> r.trials() / r.seconds())
                    .sorted().toArray();
            double[] over = runs.stream().filter(r -> r.where().equals(where)).mapToDouble(Run::overheadMs)
                    .sorted().toArray();
            sb.append(String.format(Locale.ROOT, "%n%s: median %,.0f trials/s (min %,.0f, max %,.0f); median"
                    + " overhead %.0f ms per task", where, rates[rates.length / 2], rates[0], rates[rates.length - 1],
                    over[over.length / 2]));
        }
        return sb.append("\n").toString();
    }
}
