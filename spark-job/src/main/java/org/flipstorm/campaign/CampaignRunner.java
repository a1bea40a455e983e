package org.flipstorm.campaign;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a prepared campaign on Spark: holds the campaign's lease, runs the shards that have no
 * commit yet (round by round with adaptive stop), one task per shard, each task writing and
 * committing its own shard ({@link ShardStore}); then counts the committed rows, profiles the clean
 * activations ({@link ActivationProfile}) and writes the {@link Manifest}. What is around it:
 * {@link CampaignOutput} checks the output first, {@link SparkSessions} makes the session,
 * {@link CampaignLayout} names the files.
 */
public final class CampaignRunner {
    private static final long PROGRESS_INTERVAL_MS = 5_000;

    private CampaignRunner() {}

    /**
     * Summary of a finished run.
     *
     * @param campaignId campaign id written in every row
     * @param campaignDir the campaign directory
     * @param trials rows written
     * @param wallSeconds wall time of the Spark job (planning included)
     */
    public record Result(String campaignId, String campaignDir, long trials, double wallSeconds, long trialsRun) {
        /** Trials run by this invocation per second of wall time. */
        public double trialsPerSecond() {
            return trialsRun / wallSeconds;
        }
    }

    /**
     * Runs the campaign on the JVM's active Spark session if there is one (a notebook's, a test's),
     * which it leaves running; otherwise on a session it creates from the spec (or from what
     * spark-submit configured) and stops at the end.
     */
    public static Result run(PreparedCampaign prepared, PrintStream out) throws IOException {
        scala.Option<SparkSession> existing = SparkSession.getActiveSession();
        if (existing.isDefined()) {
            return run(existing.get(), prepared, out);
        }
        SparkSession spark = SparkSessions.create(prepared.spec());
        try {
            return run(spark, prepared, out);
        } finally {
            spark.stop();
        }
    }

    /**
     * Runs the campaign's missing shards on an existing session. Each task commits its own shard
     * (see {@link ShardStore}); a rerun after a crash runs only the shards without a commit. With
     * adaptive stop the shards run round by round ({@link RoundSchedule}), each round planned from
     * the commits of the rounds before it. A campaign that {@link CampaignOutput#check} refuses is refused
     * here too (callers such as {@code CampaignMain} check first, so that a refusal starts no Spark).
     */
    public static Result run(SparkSession spark, PreparedCampaign prepared, PrintStream out) throws IOException {
        long t0 = System.nanoTime();
        CampaignSpec spec = prepared.spec();
        Sampling sampling = spec.sampling();
        CampaignOutput.check(prepared);
        CampaignContext ctx = prepared.context();
        Path dir = CampaignLayout.campaignDir(spec);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        FileSystem fs = dir.getFileSystem(hadoop);
        if (spec.overwrite() && fs.exists(dir)) {
            List<String> kept = CampaignFiles.discard(fs, dir);
            if (!kept.isEmpty()) {
                out.println("overwrite: discarded the earlier campaign in " + dir + ", kept what is not its own: "
                        + kept);
            }
        }
        fs.mkdirs(dir);
        try (CampaignLease lease = CampaignLease.acquire(fs, dir, out)) {
            // Holding the lease proves every other run is gone: what they staged will never be committed.
            fs.delete(new Path(dir, ShardStore.STAGING_DIR), true);
            boolean ok = false;
            try {
                Result r = runHoldingLease(spark, prepared, out, fs, dir, t0, lease.runId());
                ok = true;
                return r;
            } finally {
                if (!ok) {
                    // A failed job returns while its other tasks may still be writing their staging.
                    awaitNoRunningTasks(spark, 30_000);
                }
                removeStaging(fs, dir, lease.runId());
            }
        }
    }

    /** The histograms' own time in nanoseconds, once they are written; their failure is the campaign's. */
    private static long awaitHistograms(java.util.concurrent.FutureTask<Long> histograms) throws IOException {
        try {
            return histograms.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the activation histograms", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void awaitQuietly(java.util.concurrent.FutureTask<Long> task) {
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // the shards' failure is the one reported
        }
    }

    /** Cancels what still runs and waits (at most {@code millis}) until no executor runs a task. */
    private static void awaitNoRunningTasks(SparkSession spark, long millis) {
        spark.sparkContext().cancelAllJobs();
        // Task counts come from Spark's listener bus, which may not yet know of a task that started
        // just before the failure: wait for a quiet second (no active stage, no running task).
        long deadline = System.currentTimeMillis() + millis;
        int quietPolls = 0;
        while (System.currentTimeMillis() < deadline && quietPolls < 20) {
            int running = spark.sparkContext().statusTracker().getActiveStageIds().length;
            for (org.apache.spark.SparkExecutorInfo e : spark.sparkContext().statusTracker().getExecutorInfos()) {
                running += e.numRunningTasks();
            }
            quietPolls = running == 0 ? quietPolls + 1 : 0;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Deletes run {@code runId}'s staging and, once empty, the staging directory (best effort). */
    private static void removeStaging(FileSystem fs, Path dir, String runId) {
        try {
            fs.delete(ShardStore.stagingDir(dir, runId), true);
            Path staging = new Path(dir, ShardStore.STAGING_DIR);
            if (fs.exists(staging) && fs.listStatus(staging).length == 0) {
                fs.delete(staging, false);
            }
        } catch (IOException | RuntimeException e) {
            // leftovers are removed by the next run that holds the lease
        }
    }

    /** The body of {@link #run(SparkSession, PreparedCampaign, PrintStream)} once the run holds the lease. */
    private static Result runHoldingLease(SparkSession spark, PreparedCampaign prepared, PrintStream out,
                                          FileSystem fs, Path dir, long t0, String runId) throws IOException {
        CampaignSpec spec = prepared.spec();
        Sampling sampling = spec.sampling();
        CampaignContext ctx = prepared.context();
        Map<Integer, ShardStore.Commit> commits = ShardStore.verified(fs, dir, out);
        int rounds = sampling.adaptive() ? RoundSchedule.rounds(sampling, prepared.groups()) : 1;
        List<Shard> fixedShards = sampling.adaptive() ? List.of() : prepared.shards();
        Manifest.running(prepared, commits.size()).write(fs, new Path(dir, CampaignLayout.MANIFEST));
        out.printf("campaign %s: model %s, %d layers in %d groups, %,d trials on %d eligible images (%s), %s on %s%n",
                ctx.campaignId(), ctx.modelId(), prepared.layers().size(), prepared.groups().size(),
                prepared.plannedTrials(), prepared.eligibleImages().length, sampling.eligible(),
                sampling.adaptive() ? String.format(Locale.ROOT, "adaptive stop at +-%.2f%% (%.0f%%) in up to %d"
                        + " rounds", 100 * sampling.margin(), 100 * sampling.confidence(), rounds)
                        : fixedShards.size() + " shards", spark.sparkContext().master());

        // The clean activation histograms run on the driver beside the shards, not after them.
        java.util.concurrent.FutureTask<Long> histograms = null;
        if (!fs.exists(ActivationProfile.file(dir))) {
            histograms = new java.util.concurrent.FutureTask<>(() -> {
                long start = System.nanoTime();
                // one OpenMP thread: in local mode the tasks beside it have the cores
                TaskThreads.apply(1);
                ActivationProfile.write(fs, dir, prepared);
                return System.nanoTime() - start;
            });
            Thread worker = new Thread(histograms, "flipstorm-activation-histograms");
            worker.setDaemon(true);
            worker.start();
        }
        Map<Integer, RoundSchedule.Count> counts = new java.util.TreeMap<>();
        List<Shard> ran = new java.util.ArrayList<>();
        long shardNanos = 0;
        int shardsPlanned = 0;
        int roundsRun = 0;
        long written = 0;
        long profileNanos = 0;
        long profileWaitNanos = 0;
        boolean shardsDone = false;
        try {
            for (int round = 0; round < rounds; round++) {
                List<Shard> shards = sampling.adaptive() ? TrialPlanner.plan(spec,
                        RoundSchedule.slices(sampling, prepared.groups(), counts, round), prepared.eligibleImages(), round)
                        : fixedShards;
                if (shards.isEmpty()) {
                    break;
                }
                Map<Integer, ShardStore.Commit> known = commits;
                List<Shard> todo = shards.stream().filter(s -> !known.containsKey(s.shardId())).toList();
                long roundTrials = shards.stream().mapToLong(s -> s.trials().size()).sum();
                long todoTrials = todo.stream().mapToLong(s -> s.trials().size()).sum();
                if (sampling.adaptive()) {
                    out.printf(Locale.ROOT, "round %d/%d: %d groups still running, %,d trials in %d shards%s%n", round + 1,
                            rounds, shards.stream().flatMap(s -> s.trials().stream()).mapToInt(Trial::groupId)
                                    .distinct().count(), roundTrials, shards.size(),
                            todo.size() < shards.size() ? " (" + (shards.size() - todo.size()) + " already committed)" : "");
                } else if (todo.size() < shards.size()) {
                    out.printf("resuming: %d of %d shards already committed; running the %d missing (%,d trials)%n",
                            shards.size() - todo.size(), shards.size(), todo.size(), todoTrials);
                }
                long shardsStart = System.nanoTime();
                runShards(spark, ctx, fs, dir, runId, todo, todoTrials, out);
                shardNanos += System.nanoTime() - shardsStart;
                // Counted from the files the markers vouch for, not assumed from the plan.
                commits = ShardStore.verified(fs, dir, out);
                for (Shard s : shards) {
                    ShardStore.Commit c = commits.get(s.shardId());
                    if (c == null || c.rows() != s.trials().size()) {
                        throw new IllegalStateException("shard " + s.shardId() + " is " + (c == null ? "not committed"
                                : "committed with " + c.rows() + " rows instead of " + s.trials().size())
                                + "; rerun the campaign to complete it");
                    }
                    written += c.rows();
                    c.groups().forEach((g, n) -> counts.merge(g, n, RoundSchedule.Count::plus));
                }
                ran.addAll(todo);
                shardsPlanned += shards.size();
                roundsRun++;
            }
            // Only this run's staging: files a killed task of this run left behind.
            removeStaging(fs, dir, runId);
            long expected = sampling.adaptive() ? counts.values().stream().mapToLong(RoundSchedule.Count::trials).sum()
                    : prepared.plannedTrials();
            if (written != expected) {
                throw new IllegalStateException("committed " + written + " trial rows but planned " + expected);
            }
            shardsDone = true;
        } finally {
            if (histograms != null && !shardsDone) {
                awaitQuietly(histograms); // nothing of this run may write once it gives up the lease
            }
        }
        if (histograms != null) {
            long waitStart = System.nanoTime();
            profileNanos = awaitHistograms(histograms);
            profileWaitNanos = System.nanoTime() - waitStart;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Manifest.Adaptive adaptive = null;
        if (sampling.adaptive()) {
            adaptive = adaptiveSummary(prepared, counts, roundsRun, written);
            long fixed = prepared.plannedTrials();
            out.printf(Locale.ROOT, "adaptive stop: %,d of the fixed plan's %,d trials run in %d rounds, %,d saved"
                    + " (%.1f%%); every group's SDC rate within +-%.2f%% at %.0f%% or its plan complete%n", written,
                    fixed, roundsRun, fixed - written, 100.0 * (fixed - written) / fixed, 100 * sampling.margin(),
                    100 * sampling.confidence());
        }
        Manifest.complete(prepared, shardsPlanned, written, secs, adaptive).write(fs,
                new Path(dir, CampaignLayout.MANIFEST));
        if (!ran.isEmpty()) {
            double engine = 0;
            double task = 0;
            long ranTrials = 0;
            List<ExecutorReport> executors = new java.util.ArrayList<>();
            java.util.TreeSet<Integer> threads = new java.util.TreeSet<>();
            for (Shard s : ran) {
                ShardStore.Commit c = commits.get(s.shardId());
                threads.add(c.taskThreads());
                engine += c.engineSeconds();
                task += c.taskSeconds();
                ranTrials += s.trials().size();
                executors.add(c.executor());
            }
            executorSummary(executors).forEach(out::println);
            out.printf(Locale.ROOT, "ran %d shards (%,d trials) in %.1f s: task time %.1f s, of which engine %.1f s;"
                            + " Spark and I/O overhead %.0f ms per task; OpenMP threads per task %s%n", ran.size(),
                    ranTrials, secs, task, engine, 1000 * (task - engine) / ran.size(),
                    threads.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")));
            String byLayer = layerTimeSummary(prepared.layers(), ran, commits, 5);
            if (byLayer != null) {
                out.println(byLayer);
            }
            out.printf(Locale.ROOT, "wall time: %.1f s running shards, %.1f s more waiting for the activation"
                    + " histograms (%.1f s of work beside the shards), %.1f s the rest (lease, commits check,"
                    + " manifest)%n", shardNanos / 1e9, profileWaitNanos / 1e9, profileNanos / 1e9,
                    secs - (shardNanos + profileWaitNanos) / 1e9);
        }
        long trialsRun = ran.stream().mapToLong(s -> s.trials().size()).sum();
        return new Result(ctx.campaignId(), fs.makeQualified(dir).toString(), written, secs, trialsRun);
    }

    /**
     * The layers whose faults took the most engine time in the shards that ran, costliest first:
     * {@code top} of them with their share of the time spent on faults and the time per trial
     * (summed over tasks, so on a machine running tasks side by side it is task time, not wall
     * time). Null when the commits carry no per-layer times.
     */
    static String layerTimeSummary(List<TargetLayer> layers, List<Shard> ran, Map<Integer, ShardStore.Commit> commits,
                                   int top) {
        Map<Integer, Double> seconds = new java.util.HashMap<>();
        Map<Integer, Long> trials = new java.util.HashMap<>();
        for (Shard s : ran) {
            commits.get(s.shardId()).layerSeconds().forEach((layer, secs) -> seconds.merge(layer, secs, Double::sum));
            for (Trial t : s.trials()) {
                trials.merge(t.layerIndex(), 1L, Long::sum);
            }
        }
        double total = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        if (seconds.isEmpty() || total <= 0) {
            return null;
        }
        Map<Integer, String> names = new java.util.HashMap<>();
        for (TargetLayer l : layers) {
            names.put(l.index(), l.name());
        }
        List<String> parts = seconds.entrySet().stream()
                .sorted(Map.Entry.<Integer, Double>comparingByValue().reversed())
                .limit(top)
                .map(e -> String.format(Locale.ROOT, "%s %.2f ms/trial (%.0f%%)",
                        names.getOrDefault(e.getKey(), "layer " + e.getKey()),
                        1000 * e.getValue() / Math.max(1, trials.getOrDefault(e.getKey(), 0L)),
                        100 * e.getValue() / total))
                .toList();
        return String.format(Locale.ROOT, "engine time on faults %.1f s; costliest layers: %s", total,
                String.join(", ", parts));
    }

    /**
     * Which executors ran the shards and whether each one's convolutions took the oneDNN path: one
     * line when all did, plus a warning line per executor that did not (a cluster whose executors
     * lack conf/jvm.options runs tens of times slower and says nothing else about it).
     */
    static List<String> executorSummary(List<ExecutorReport> reports) {
        Map<String, ExecutorReport> byExecutor = new java.util.TreeMap<>();
        for (ExecutorReport r : reports) {
            if (r != null) {
                byExecutor.putIfAbsent(r.executorId() + "@" + r.host(), r);
            }
        }
        if (byExecutor.isEmpty()) {
            return List.of();
        }
        String fast = org.flipstorm.zoo.runtime.Dl4jRuntime.ConvolutionPath.NATIVE_HELPER.id();
        List<String> slow = byExecutor.values().stream().filter(r -> !fast.equals(r.convolutionPath()))
                .map(r -> "warning: " + r.describe() + "; its trials ran tens of times slower: give executors the"
                        + " options of conf/jvm.options (spark.executor.extraJavaOptions)")
                .toList();
        List<String> lines = new java.util.ArrayList<>();
        lines.add("executors: " + byExecutor.size() + " ran the shards (" + String.join(", ", byExecutor.keySet())
                + "); DL4J convolutions " + (slow.isEmpty() ? fast + " on every one" : "not " + fast + " on "
                + slow.size()));
        lines.addAll(slow);
        return lines;
    }

    /** Runs {@code todo} as one Spark job, one task per shard, each committing its own shard. */
    private static void runShards(SparkSession spark, CampaignContext ctx, FileSystem fs, Path dir, String runId,
                                  List<Shard> todo,
                                  long todoTrials, PrintStream out) {
        if (todo.isEmpty()) {
            return;
        }
        ProgressListener progress = new ProgressListener(out, todo.size(), todoTrials, PROGRESS_INTERVAL_MS);
        spark.sparkContext().addSparkListener(progress);
        String dirUri = fs.makeQualified(dir).toString();
        Map<String, String> conf = SparkSessions.hadoopSettings(spark.sparkContext().hadoopConfiguration());
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            jsc.parallelize(todo, todo.size())
                    .map(shard -> ShardRunner.runAndCommit(ctx, shard, dirUri, runId, conf))
                    .collect();
        } finally {
            spark.sparkContext().removeSparkListener(progress);
        }
    }

    /** The manifest's record of an adaptive run: per group, the trials run against the fixed plan. */
    private static Manifest.Adaptive adaptiveSummary(PreparedCampaign p, Map<Integer, RoundSchedule.Count> counts,
                                                     int rounds, long trials) {
        Sampling s = p.spec().sampling();
        List<Manifest.GroupStop> groups = new java.util.ArrayList<>();
        for (TrialGroup g : p.groups()) {
            RoundSchedule.Count c = counts.getOrDefault(g.groupId(), new RoundSchedule.Count(0, 0));
            groups.add(new Manifest.GroupStop(g.groupId(), g.layer().name(), g.bit(), g.trials(), c.trials(), c.sdc(),
                    RoundSchedule.wilsonHalfWidth(c.sdc(), c.trials(), s.confidence()),
                    c.trials() >= g.trials() ? "plan" : "margin"));
        }
        return new Manifest.Adaptive(rounds, p.plannedTrials(), trials, p.plannedTrials() - trials, groups);
    }
}
