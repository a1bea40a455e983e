package org.flipstorm.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.runtime.Versions;

/**
 * Runs a prepared campaign on Spark: one task per shard, rows to Parquet partitioned by model and
 * layer, then a manifest.
 *
 * <p>Output layout: {@code <output>/<name>/trials/model_id=.../layer_name=.../part-*.parquet} and
 * {@code <output>/<name>/manifest.json}. The Parquet is written to a hidden sibling directory and
 * renamed into place only when the whole write succeeded, so a failed or killed run never leaves a
 * partial {@code trials} directory behind.
 */
public final class CampaignRunner {
    /** Trials directory under the campaign directory. */
    public static final String TRIALS_DIR = "trials";
    /** Manifest file under the campaign directory. */
    public static final String MANIFEST = "manifest.json";
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

    /** The campaign directory of a spec. */
    public static Path campaignDir(CampaignSpec spec) {
        return new Path(spec.output(), spec.name());
    }

    /**
     * Decides what happens to an existing campaign directory, before Spark starts: nothing there,
     * or the same campaign (same spec identity and weights, so the same campaign id) to resume; or
     * {@code overwrite} to discard it. Anything else is refused with the differences named, and
     * nothing is written.
     */
    public static void checkOutput(PreparedCampaign prepared) throws IOException {
        CampaignSpec spec = prepared.spec();
        Path dir = campaignDir(spec);
        FileSystem fs;
        boolean exists;
        try {
            fs = dir.getFileSystem(new Configuration());
            exists = fs.exists(dir);
            if (!exists && !fs.mkdirs(dir.getParent())) {
                throw new IOException("could not create " + dir.getParent());
            }
        } catch (IOException | RuntimeException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            throw new IllegalArgumentException("cannot reach the campaign output " + spec.output() + ": " + why
                    + "; expected a directory the driver and every executor can write: a local or shared path,"
                    + " hdfs://namenode:port/dir or s3a://bucket/dir", e);
        }
        boolean isDir = exists && fs.getFileStatus(dir).isDirectory();
        checkExisting(prepared, fs, dir, exists, isDir);
        // Last, so that a refused campaign leaves its directory untouched.
        probeWrite(fs, isDir ? dir : dir.getParent(), spec.output());
    }

    private static void checkExisting(PreparedCampaign prepared, FileSystem fs, Path dir, boolean exists,
                                      boolean isDir) throws IOException {
        CampaignSpec spec = prepared.spec();
        Path manifest = new Path(dir, MANIFEST);
        if (!exists) {
            return;
        }
        if (isDir) {
            CampaignLease.checkFree(fs, dir);
        }
        if (spec.overwrite()) {
            CampaignFiles.checkOverwritable(fs, dir);
            return;
        }
        if (!fs.getFileStatus(dir).isDirectory()) {
            throw new IllegalArgumentException("campaign output " + dir + " is a file, not a campaign directory;"
                    + " choose another campaign name or output");
        }
        if (fs.exists(manifest)) {
            JsonNode old = readManifest(fs, manifest);
            String oldId = old.path("campaign_id").asText();
            if (oldId.equals(prepared.context().campaignId())) {
                return;
            }
            throw new IllegalArgumentException("campaign " + dir + " was started with another spec or other weights ("
                    + specDifferences(old, prepared) + "); a campaign cannot change under its results: choose"
                    + " another campaign name, or set campaign.overwrite = true to discard it");
        }
        if (fs.exists(new Path(dir, TRIALS_DIR))) {
            throw new IllegalArgumentException("campaign output " + new Path(dir, TRIALS_DIR) + " exists without a"
                    + " manifest, so it cannot be resumed; choose another campaign name or output, or set"
                    + " campaign.overwrite = true");
        }
    }

    /** Creates and deletes a small file in {@code dir}: an unwritable output fails here, before Spark starts. */
    private static void probeWrite(FileSystem fs, Path dir, String output) {
        Path probe = new Path(dir, ".flipstorm-probe-" + UUID.randomUUID());
        try {
            try (OutputStream os = fs.create(probe, false)) {
                os.write(1);
            }
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot write the campaign output " + output + " (" + dir + "): "
                    + firstLine(e) + "; expected a directory the driver and every executor can write", e);
        }
    }

    /** The first line of the innermost message of {@code e}'s cause chain. */
    static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /** True when {@code e} (or a cause, or a Spark task failure's text) says the output ran out of space. */
    static boolean outOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("No space left on device") || m.contains("Disk quota exceeded")
                    || m.contains("DSQuotaExceededException") || m.contains("NSQuotaExceededException")) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode readManifest(FileSystem fs, Path manifest) throws IOException {
        try (var in = fs.open(manifest)) {
            return new ObjectMapper().readTree(in);
        }
    }

    /** The spec fields (and weights) that differ between a manifest and a prepared campaign. */
    static String specDifferences(JsonNode manifest, PreparedCampaign p) {
        JsonNode now = new ObjectMapper().valueToTree(p.spec());
        JsonNode was = manifest.path("spec");
        List<String> diffs = new java.util.ArrayList<>();
        now.fieldNames().forEachRemaining(f -> {
            // compared as JSON text: a manifest read back holds 11 as an int where the spec has a long
            if (!f.equals("overwrite") && !f.equals("master") && !now.get(f).toString().equals(String.valueOf(was.get(f)))) {
                diffs.add(f + ": was " + was.get(f) + ", now " + now.get(f));
            }
        });
        String oldSha = manifest.path("model_card").path("weightsSha256").asText();
        if (!oldSha.equals(p.card().weightsSha256())) {
            diffs.add("model weights: was " + oldSha + ", now " + p.card().weightsSha256());
        }
        return diffs.isEmpty() ? "campaign id " + manifest.path("campaign_id").asText() + " vs "
                + p.context().campaignId() : String.join("; ", diffs);
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
        SparkSession spark = session(prepared.spec());
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
     * the commits of the rounds before it. A campaign that {@link #checkOutput} refuses is refused
     * here too (callers such as {@code CampaignMain} check first, so that a refusal starts no Spark).
     */
    public static Result run(SparkSession spark, PreparedCampaign prepared, PrintStream out) throws IOException {
        long t0 = System.nanoTime();
        CampaignSpec spec = prepared.spec();
        Sampling sampling = spec.sampling();
        checkOutput(prepared);
        CampaignContext ctx = prepared.context();
        Path dir = campaignDir(spec);
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

    /** Cancels what still runs and waits (at most {@code millis}) until no executor runs a task. */
    private static void awaitNoRunningTasks(SparkSession spark, long millis) {
        spark.sparkContext().cancelAllJobs();
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            int running = 0;
            for (org.apache.spark.SparkExecutorInfo e : spark.sparkContext().statusTracker().getExecutorInfos()) {
                running += e.numRunningTasks();
            }
            if (running == 0) {
                return;
            }
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
        writeManifest(fs, new Path(dir, MANIFEST), prepared, "running", Map.of("committed_shards", commits.size()));
        out.printf("campaign %s: model %s, %d layers in %d groups, %,d trials on %d eligible images (%s), %s on %s%n",
                ctx.campaignId(), ctx.modelId(), prepared.layers().size(), prepared.groups().size(),
                prepared.plannedTrials(), prepared.eligibleImages().length, sampling.eligible(),
                sampling.adaptive() ? String.format(Locale.ROOT, "adaptive stop at +-%.2f%% (%.0f%%) in up to %d"
                        + " rounds", 100 * sampling.margin(), 100 * sampling.confidence(), rounds)
                        : fixedShards.size() + " shards", spark.sparkContext().master());

        Map<Integer, RoundSchedule.Count> counts = new java.util.TreeMap<>();
        List<Shard> ran = new java.util.ArrayList<>();
        int shardsPlanned = 0;
        int roundsRun = 0;
        long written = 0;
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
            runShards(spark, ctx, fs, dir, runId, todo, todoTrials, out);
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
        if (!fs.exists(new Path(dir, ACTIVATIONS_DIR))) {
            writeActivationHistograms(spark, fs, dir, prepared);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("shards", shardsPlanned);
        done.put("committed_shards", shardsPlanned);
        done.put("trials", written);
        done.put("wall_seconds", secs);
        if (sampling.adaptive()) {
            done.put("adaptive", adaptiveSummary(prepared, counts, roundsRun, written));
            long fixed = prepared.plannedTrials();
            out.printf(Locale.ROOT, "adaptive stop: %,d of the fixed plan's %,d trials run in %d rounds, %,d saved"
                    + " (%.1f%%); every group's SDC rate within +-%.2f%% at %.0f%% or its plan complete%n", written,
                    fixed, roundsRun, fixed - written, 100.0 * (fixed - written) / fixed, 100 * sampling.margin(),
                    100 * sampling.confidence());
        }
        writeManifest(fs, new Path(dir, MANIFEST), prepared, "complete", done);
        if (!ran.isEmpty()) {
            double engine = 0;
            double task = 0;
            long ranTrials = 0;
            for (Shard s : ran) {
                engine += commits.get(s.shardId()).engineSeconds();
                task += commits.get(s.shardId()).taskSeconds();
                ranTrials += s.trials().size();
            }
            out.printf(Locale.ROOT, "ran %d shards (%,d trials) in %.1f s: task time %.1f s, of which engine %.1f s;"
                            + " Spark and I/O overhead %.0f ms per task%n", ran.size(), ranTrials, secs, task,
                    engine, 1000 * (task - engine) / ran.size());
        }
        long trialsRun = ran.stream().mapToLong(s -> s.trials().size()).sum();
        return new Result(ctx.campaignId(), fs.makeQualified(dir).toString(), written, secs, trialsRun);
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
        Map<String, String> conf = hadoopSettings(spark.sparkContext().hadoopConfiguration());
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
    private static Map<String, Object> adaptiveSummary(PreparedCampaign p, Map<Integer, RoundSchedule.Count> counts,
                                                       int rounds, long trials) {
        Sampling s = p.spec().sampling();
        List<Map<String, Object>> groups = new java.util.ArrayList<>();
        for (TrialPlanner.Group g : p.groups()) {
            RoundSchedule.Count c = counts.getOrDefault(g.groupId(), new RoundSchedule.Count(0, 0));
            double hw = RoundSchedule.wilsonHalfWidth(c.sdc(), c.trials(), s.confidence());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("group_id", g.groupId());
            m.put("layer_name", g.layer().name());
            m.put("bit", g.bit());
            m.put("fixed_plan_trials", g.trials());
            m.put("trials", c.trials());
            m.put("sdc", c.sdc());
            m.put("wilson_half_width", hw);
            m.put("stopped_by", c.trials() >= g.trials() ? "plan" : "margin");
            groups.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rounds_run", rounds);
        m.put("fixed_plan_trials", p.plannedTrials());
        m.put("trials", trials);
        m.put("trials_saved", p.plannedTrials() - trials);
        m.put("groups", groups);
        return m;
    }

    /** The file-system settings tasks need to reach the output (fs.*, dfs.*, hadoop.*). */
    private static Map<String, String> hadoopSettings(Configuration conf) {
        Map<String, String> out = new java.util.HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            String k = e.getKey();
            if (k.startsWith("fs.") || k.startsWith("dfs.") || k.startsWith("hadoop.")) {
                out.put(k, e.getValue());
            }
        }
        return out;
    }

    /** Images profiled for the activation histograms (the first of the campaign's images). */
    static final int HISTOGRAM_IMAGES = 256;
    /** Bins per layer of the activation histograms. */
    static final int HISTOGRAM_BINS = 64;
    /** Where the activation histograms go, beside {@link #TRIALS_DIR}. */
    public static final String ACTIVATIONS_DIR = "activations";

    private static final org.apache.spark.sql.types.StructType HISTOGRAM_SCHEMA = new org.apache.spark.sql.types.StructType()
            .add("model_id", "string", false).add("layer_index", "int", false).add("layer_name", "string", false)
            .add("bin", "int", false).add("low", "double", false).add("high", "double", false)
            .add("count", "long", false);

    /**
     * Profiles the clean activations of every layer over the first images of the campaign (on the
     * driver) and writes one histogram row per layer and bin to {@code dir/activations}, staged
     * and renamed like the trials.
     */
    static void writeActivationHistograms(SparkSession spark, FileSystem fs, Path dir, PreparedCampaign prepared)
            throws IOException {
        CampaignContext ctx = prepared.context();
        List<org.flipstorm.inject.ActivationHistogram.Bin> bins;
        try {
            var model = org.flipstorm.zoo.store.ModelStore.load(ModelFiles.local(ctx.modelPath(), fs.getConf()));
            var src = ctx.images();
            var images = org.flipstorm.zoo.data.Datasets.load(src.dataset(), src.split().id(),
                    java.util.Optional.ofNullable(src.path()).map(java.nio.file.Path::of));
            bins = org.flipstorm.inject.ActivationHistogram.compute(
                    org.flipstorm.inject.InjectableNetwork.of(model.network()), images, ctx.inputNormalization(),
                    Math.min(HISTOGRAM_IMAGES, Math.min(src.count(), images.size())), 64, HISTOGRAM_BINS);
        } catch (org.flipstorm.zoo.ZooException e) {
            throw new IOException("cannot profile activations: " + e.getMessage(), e);
        }
        List<Row> rows = new java.util.ArrayList<>(bins.size());
        for (var b : bins) {
            rows.add(org.apache.spark.sql.RowFactory.create(ctx.modelId(), b.site(), b.name(), b.bin(), b.low(),
                    b.high(), b.count()));
        }
        Path staging = new Path(dir, "_staging-" + UUID.randomUUID());
        Path target = new Path(dir, ACTIVATIONS_DIR);
        try {
            spark.createDataFrame(rows, HISTOGRAM_SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
                    .parquet(staging.toString());
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(staging, target)) {
                throw new IOException("could not move " + staging + " to " + target);
            }
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        }
    }

    static SparkSession session(CampaignSpec spec) {
        SparkConf conf = new SparkConf()
                .setAppName("flipstorm-" + spec.name())
                .setIfMissing("spark.master", spec.master())
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.ui.showConsoleProgress", "false")
                .setIfMissing("spark.sql.shuffle.partitions", "4")
                // Executors (and a driver in cluster mode) need the same DL4J fast-path settings.
                .setIfMissing("spark.executor.extraJavaOptions", dl4jOptions())
                .setIfMissing("spark.driver.extraJavaOptions", dl4jOptions());
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }

    private static String dl4jOptions() {
        return "-D" + Dl4jRuntime.EXTENSION_PROPERTY + "="
                + System.getProperty(Dl4jRuntime.EXTENSION_PROPERTY, Dl4jRuntime.ONEDNN_EXTENSION)
                + " -D" + Dl4jRuntime.HELPERS_PROPERTY + "=false";
    }

    private static void writeManifest(FileSystem fs, Path file, PreparedCampaign p, String status,
                                      Map<String, Object> progress) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("campaign_id", p.context().campaignId());
        m.put("status", status);
        m.put("schema_version", TrialRows.SCHEMA_VERSION);
        m.put("spec", p.spec());
        m.put("model_card", p.card());
        m.put("target_layers", p.layers());
        m.put("planned_trials", p.plannedTrials());
        m.put("eligible_images", p.eligibleImages().length);
        m.put("groups", p.groups());
        m.put("commits", ShardStore.COMMITS_DIR);
        m.putAll(progress);
        m.put("flipstorm_version", Versions.flipstorm());
        m.put("dl4j_version", Versions.dl4j());
        m.put("nd4j_classifier", Versions.nd4jClassifier());
        m.put("spark_version", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        m.put("java_version", System.getProperty("java.version"));
        m.put("convolution_path", Dl4jRuntime.convolutionPath().id());
        byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m)
                .getBytes(StandardCharsets.UTF_8);
        Path tmp = new Path(file.getParent(), "_" + file.getName() + ".tmp");
        try (OutputStream os = fs.create(tmp, true)) {
            os.write(json);
        } catch (IOException e) {
            fs.delete(tmp, false); // a full disk must not leave a half-written manifest behind
            throw e;
        }
        // Replace in one rename (never delete, then rename: a kill between the two would leave
        // committed shards without a manifest).
        org.apache.hadoop.fs.FileContext.getFileContext(file.toUri(), fs.getConf())
                .rename(tmp, file, org.apache.hadoop.fs.Options.Rename.OVERWRITE);
    }
}
