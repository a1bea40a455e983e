package org.flipstorm.cluster;

import static org.flipstorm.cluster.ClusterFixtures.assertExactlyOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.flipstorm.campaign.ExecutorReport;
import org.flipstorm.campaign.Fixtures;
import org.flipstorm.campaign.ShardStore;
import org.flipstorm.common.schema.TrialColumn;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaigns submitted to YARN through {@code submit-scripts/submit-yarn.sh}, in client and in
 * cluster deploy mode, on HDFS and YARN mini clusters bound to 127.0.0.1 (two NodeManagers): the
 * model is read from HDFS, the Parquet lands there and equals a {@code local[2]} run's row for row;
 * the executors report the JVM options the script gave them; in client mode an executor's container
 * is killed mid-campaign, which costs time and no trial.
 */
class YarnIT {
    /** 6 layers x 1,500 trials on 200 images, 20 shards of 10 images. */
    private static final int IMAGES = 200;
    private static final int TRIALS_PER_LAYER = 1500;
    private static final int TRIALS = 6 * TRIALS_PER_LAYER;
    private static final int SHARDS = IMAGES / 10;

    @TempDir
    static Path dir;
    private static YarnCluster cluster;
    private static String model;
    private static List<Row> expected;
    private static String localLog;

    @BeforeAll
    static void start() throws Exception {
        Dl4jRuntime.configure();
        cluster = new YarnCluster(dir.resolve("yarn"), 2, 4096, 2);
        FileSystem fs = cluster.fileSystem();
        org.apache.hadoop.fs.Path models = new org.apache.hadoop.fs.Path(cluster.hdfs() + "/models");
        assertTrue(fs.mkdirs(models));
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(ClusterFixtures.MODEL.toUri()), models);
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(ClusterFixtures.MODEL
                .resolveSibling("lenet-fmnist-baseline.card.json").toUri()), models);
        model = "model = \"" + cluster.hdfs() + "/models/lenet-fmnist-baseline.zip\"";
        // The reference: the same job jar and spark-submit on local[2]; file: because the default
        // file system of HADOOP_CONF_DIR is HDFS.
        Path local = config(dir.resolve("local").toUri().toString());
        Submission l = submit("local", "local", local, null);
        localLog = cluster.log("local");
        System.out.printf(Locale.ROOT, "YARN IT: local[2] took %.1f s, overhead %.0f ms per task%n", l.seconds(),
                overheadMs(localLog));
        expected = rows(dir.resolve("local/same").toString());
        assertExactlyOnce(expected, TRIALS);
    }

    @AfterAll
    static void stop() {
        Fixtures.stopReader();
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path config(String output) throws IOException {
        return ClusterFixtures.config(dir, "same", output, IMAGES, TRIALS_PER_LAYER, model);
    }

    /** How long a submission took to its first commit and to its exit. */
    private record Submission(double firstCommitSeconds, double seconds) {}

    /**
     * Submits in {@code mode} (client, cluster, or local for spark-submit on local[2]), runs
     * {@code atFirstCommit} once the campaign {@code campaign} has its first commit, and waits for
     * the exit; fails with the submission's and the containers' logs.
     */
    private static Submission submit(String name, String mode, Path conf, Runnable atFirstCommit) throws Exception {
        long t0 = System.nanoTime();
        Process p = mode.equals("local") ? cluster.submitLocal(name, conf) : cluster.submit(name, mode, conf);
        double first = Double.NaN;
        if (atFirstCommit != null) {
            org.apache.hadoop.fs.Path markers = new org.apache.hadoop.fs.Path(cluster.hdfs() + "/campaigns/" + name
                    + "/same/" + ShardStore.COMMITS_DIR);
            FileSystem fs = cluster.fileSystem();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (!fs.exists(markers) || fs.listStatus(markers).length == 0) {
                assertTrue(p.isAlive(), name + " ended before its first commit:\n" + cluster.log(name));
                assertTrue(System.nanoTime() < end, name + ": no commit after 300 s:\n" + cluster.log(name));
                Thread.sleep(100);
            }
            first = (System.nanoTime() - t0) / 1e9;
            atFirstCommit.run();
        }
        if (!p.waitFor(480, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not finish in 480 s; logs:\n" + cluster.log(name));
        }
        assertEquals(0, p.exitValue(), name + " failed; logs:\n" + cluster.log(name));
        return new Submission(first, (System.nanoTime() - t0) / 1e9);
    }

    private static List<Row> rows(String campaign) {
        return Fixtures.reader().read().parquet(campaign + "/trials").orderBy("trial_id").collectAsList();
    }

    /**
     * Equal row for row, floating-point columns within 1e-5 (relative above 1; NaN equals NaN), every
     * other column exactly; else names the first row that differs and how many do. The tolerance is
     * there because two deployments need not round alike: the same fault's suffix batch can be
     * computed by different oneDNN kernel paths (stop 28's CI: 2,969 of 9,000 LeNet rows differed
     * only in the last bits of a confidence, e.g. 0.7027824 vs 0.70278245, and a delta loss of
     * 1.0E-6 vs 0.0, every id, class and outcome equal). Ids, layers, neurons, bits, classes and
     * outcomes must still agree exactly. {@code value_after} is checked within each row instead
     * (an FP32 flip of its own {@code value_before}): a flip magnifies a last-bit difference of the
     * value before (2026-12-02: logits -7.010497 vs -7.010498 before a flip of bit 9 gave -7.010741
     * vs -7.010254, because the one-ulp difference changed bit 9 itself).
     */
    private static void assertSameRows(List<Row> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": rows");
        long differing = 0;
        String first = null;
        for (int i = 0; i < expected.size(); i++) {
            if (!sameRow(expected.get(i), actual.get(i))) {
                differing++;
                if (first == null) {
                    first = "local[2]: " + expected.get(i) + "\n" + what + ": " + actual.get(i);
                }
            }
        }
        assertEquals(0, differing, what + "'s rows differ from local[2]'s; the first:\n" + first);
    }

    private static boolean sameRow(Row a, Row b) {
        if (a.size() != b.size() || !a.schema().equals(b.schema())) {
            return false;
        }
        int after = a.fieldIndex(TrialColumn.VALUE_AFTER.id());
        for (int k = 0; k < a.size(); k++) {
            if (k == after) {
                if (!flipOfValueBefore(a) || !flipOfValueBefore(b)) {
                    return false;
                }
                continue;
            }
            Object x = a.get(k);
            Object y = b.get(k);
            if (x instanceof Float || x instanceof Double) {
                if (!(y instanceof Number) || !close(((Number) x).doubleValue(), ((Number) y).doubleValue())) {
                    return false;
                }
            } else if (!java.util.Objects.equals(x, y)) {
                return false;
            }
        }
        return true;
    }

    /** This test's campaigns flip FP32 bits: the value after is the value before with the row's bit mask flipped. */
    private static boolean flipOfValueBefore(Row r) {
        int before = Float.floatToRawIntBits(r.getFloat(r.fieldIndex(TrialColumn.VALUE_BEFORE.id())));
        int after = Float.floatToRawIntBits(r.getFloat(r.fieldIndex(TrialColumn.VALUE_AFTER.id())));
        int flipped = before ^ r.getInt(r.fieldIndex(TrialColumn.BIT_MASK.id()));
        // A NaN's payload may be made quiet on its way through Spark; any NaN stands for a flip into NaN.
        boolean same = after == flipped || Float.isNaN(Float.intBitsToFloat(after)) && Float.isNaN(Float.intBitsToFloat(flipped));
        return "fp32".equals(r.getString(r.fieldIndex(TrialColumn.FORMAT.id())))
                && "flip".equals(r.getString(r.fieldIndex(TrialColumn.FAULT_MODEL.id()))) && same;
    }

    private static boolean close(double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return Double.isNaN(x) && Double.isNaN(y);
        }
        if (Double.isInfinite(x) || Double.isInfinite(y)) {
            return x == y;
        }
        return Math.abs(x - y) <= 1e-5 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
    }

    /** Every shard ran in a YARN executor with the settings submit-yarn.sh gives executors. */
    private static void assertExecutorSettings(String campaign) throws IOException {
        Map<Integer, ShardStore.Commit> commits = ShardStore.committed(cluster.fileSystem(),
                new org.apache.hadoop.fs.Path(campaign));
        assertEquals(SHARDS, commits.size());
        for (ShardStore.Commit c : commits.values()) {
            ExecutorReport e = c.executor();
            assertFalse(e.executorId().equals("driver"), "shard " + c.shardId() + " ran in the driver: " + e);
            assertEquals("native_helper", e.convolutionPath(), "the oneDNN helper on executor " + e);
            assertEquals("1", e.ompThreads(), "one OpenMP thread per one-core executor: " + e);
            assertTrue(e.workingDir().contains("/container_"), "a YARN container's directory: " + e);
            assertEquals(e.workingDir() + "/javacpp-cache", e.javacppCache(),
                    "natives unpacked in the container's directory: " + e);
        }
    }

    /** "Spark and I/O overhead N ms per task" of a driver's output. */
    private static double overheadMs(String printed) {
        Matcher m = Pattern.compile("Spark and I/O overhead (\\d+) ms per task").matcher(printed);
        assertTrue(m.find(), printed);
        return Double.parseDouble(m.group(1));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void inClientModeAKilledExecutorContainerCostsNoTrial() throws Exception {
        String campaign = cluster.hdfs() + "/campaigns/client/same";
        long[] killed = new long[2];
        Submission s = submit("client", "client", config(cluster.hdfs() + "/campaigns/client"), () -> {
            List<ProcessHandle> executors = YarnCluster.executorProcesses();
            assertEquals(2, executors.size(), "two executor containers: " + executors);
            ProcessHandle victim = executors.get(0);
            victim.destroyForcibly(); // SIGKILL: the container's JVM dies as on a lost node
            try {
                victim.onExit().get(30, TimeUnit.SECONDS);
                killed[0] = victim.pid();
                killed[1] = cluster.fileSystem().listStatus(new org.apache.hadoop.fs.Path(campaign + "/"
                        + ShardStore.COMMITS_DIR)).length;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String printed = cluster.log("client");
        assertTrue(killed[1] < SHARDS, "shards were left when the executor died: " + killed[1]);
        assertTrue(printed.contains("Lost executor"), "the driver saw the executor go:\n" + printed);
        assertTrue(printed.contains("queue: root." + YarnCluster.QUEUE), "FLIPSTORM_QUEUE reached YARN:\n" + printed);
        assertTrue(printed.contains("campaign directory: " + campaign), printed);
        List<Row> rows = rows(campaign);
        assertExactlyOnce(rows, TRIALS);
        assertSameRows(rows, "client mode");
        assertExecutorSettings(campaign);
        System.out.printf(Locale.ROOT, "YARN IT: client mode: first commit after %.1f s, executor pid %d killed with"
                        + " %d of %d shards committed, done after %.1f s, overhead %.0f ms per task%n",
                s.firstCommitSeconds(), killed[0], killed[1], SHARDS, s.seconds(), overheadMs(printed));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void inClusterModeTheDriverRunsInAContainerAndWritesTheSameRows() throws Exception {
        String campaign = cluster.hdfs() + "/campaigns/cluster/same";
        // Submitted as a variant that includes the full config: the script ships it self-contained,
        // since the included file is not in the ApplicationMaster's container.
        Path full = config(cluster.hdfs() + "/campaigns/cluster");
        Path variant = Files.writeString(dir.resolve("cluster-variant.conf"), "include \"" + full.getFileName()
                + "\"\ncampaign { name = same }\n");
        Submission s = submit("cluster", "cluster", variant, () -> { });
        assertTrue(cluster.log("cluster").contains("final status: SUCCEEDED"), cluster.log("cluster"));
        assertSameRows(rows(campaign), "cluster mode");
        assertExecutorSettings(campaign);
        System.out.printf(Locale.ROOT, "YARN IT: cluster mode: first commit after %.1f s, done after %.1f s%n",
                s.firstCommitSeconds(), s.seconds());
    }
}
