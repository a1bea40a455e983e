package org.flipstorm.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
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
    public record Result(String campaignId, String campaignDir, long trials, double wallSeconds) {
        /** Trials per second of wall time. */
        public double trialsPerSecond() {
            return trials / wallSeconds;
        }
    }

    /** The campaign directory of a spec. */
    public static Path campaignDir(CampaignSpec spec) {
        return new Path(spec.output(), spec.name());
    }

    /**
     * Refuses to start when the campaign's output exists and overwriting was not asked for.
     * Called before Spark starts, so a refused campaign writes nothing.
     */
    public static void checkOutput(CampaignSpec spec) throws IOException {
        Path dir = campaignDir(spec);
        FileSystem fs = dir.getFileSystem(new Configuration());
        if (fs.exists(new Path(dir, TRIALS_DIR)) && !spec.overwrite()) {
            throw new IllegalArgumentException("campaign output " + new Path(dir, TRIALS_DIR) + " already exists;"
                    + " choose another campaign name or output, or set campaign.overwrite = true");
        }
    }

    /**
     * Runs the campaign on the JVM's active Spark session if there is one (a notebook's, a test's),
     * which it leaves running; otherwise on a session it creates from the spec (or from what
     * spark-submit configured) and stops at the end.
     */
    public static Result run(PreparedCampaign prepared, PrintStream out) throws IOException {
        checkOutput(prepared.spec());
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

    /** Runs the campaign on an existing session. */
    public static Result run(SparkSession spark, PreparedCampaign prepared, PrintStream out) throws IOException {
        long t0 = System.nanoTime();
        CampaignSpec spec = prepared.spec();
        List<Shard> shards = TrialPlanner.plan(spec, prepared.layers());
        CampaignContext ctx = prepared.context();
        out.printf("campaign %s: model %s, %d layers x %,d trials = %,d trials in %d shards on %s%n",
                ctx.campaignId(), ctx.modelId(), prepared.layers().size(), spec.trialsPerLayer(),
                prepared.plannedTrials(), shards.size(), spark.sparkContext().master());

        ProgressListener progress = new ProgressListener(out, shards.size(), prepared.plannedTrials(),
                PROGRESS_INTERVAL_MS);
        spark.sparkContext().addSparkListener(progress);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> rows = jsc.parallelize(shards, Math.max(1, shards.size()))
                .flatMap(shard -> ShardRunner.run(ctx, shard).iterator());
        Dataset<Row> df = spark.createDataFrame(rows, TrialRows.SCHEMA);

        Path dir = campaignDir(spec);
        FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        Path staging = new Path(dir, "_staging-" + UUID.randomUUID());
        Path trials = new Path(dir, TRIALS_DIR);
        try {
            df.write().mode(SaveMode.ErrorIfExists)
                    .partitionBy(TrialRows.PARTITION_COLUMNS.toArray(String[]::new))
                    .parquet(staging.toString());
            if (fs.exists(trials)) {
                fs.delete(trials, true);
            }
            if (!fs.rename(staging, trials)) {
                throw new IOException("could not move " + staging + " to " + trials);
            }
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
            spark.sparkContext().removeSparkListener(progress);
        }
        long written = spark.read().parquet(trials.toString()).count();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (written != prepared.plannedTrials()) {
            throw new IllegalStateException("wrote " + written + " trial rows but planned "
                    + prepared.plannedTrials());
        }
        writeActivationHistograms(spark, fs, dir, prepared);
        writeManifest(fs, new Path(dir, MANIFEST), prepared, shards.size(), written, secs);
        return new Result(ctx.campaignId(), fs.makeQualified(dir).toString(), written, secs);
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
            var model = org.flipstorm.zoo.store.ModelStore.load(java.nio.file.Path.of(ctx.modelPath()));
            var src = ctx.images();
            var images = org.flipstorm.zoo.data.Datasets.load(src.dataset(), src.split(),
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

    private static void writeManifest(FileSystem fs, Path file, PreparedCampaign p, int shards, long trials,
                                      double secs) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("campaign_id", p.context().campaignId());
        m.put("schema_version", TrialRows.SCHEMA_VERSION);
        m.put("spec", p.spec());
        m.put("model_card", p.card());
        m.put("target_layers", p.layers());
        m.put("shards", shards);
        m.put("trials", trials);
        m.put("wall_seconds", secs);
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
        }
        fs.delete(file, false);
        if (!fs.rename(tmp, file)) {
            throw new IOException("could not move " + tmp + " to " + file);
        }
    }
}
