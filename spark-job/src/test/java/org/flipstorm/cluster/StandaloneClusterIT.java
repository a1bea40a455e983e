package org.flipstorm.cluster;

import static org.flipstorm.cluster.ClusterFixtures.assertExactlyOnce;
import static org.flipstorm.cluster.ClusterFixtures.config;
import static org.flipstorm.cluster.ClusterFixtures.rows;
import static org.flipstorm.cluster.ClusterFixtures.submitAndWait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaigns submitted with the shaded job jar to a standalone Master and two one-core Workers on
 * 127.0.0.1: the rows equal a {@code local[2]} run's, a driver killed mid-campaign is rerun and
 * runs only the missing shards, and bad input is refused by the submitted driver before anything
 * is written.
 */
class StandaloneClusterIT {
    @TempDir
    static Path dir;
    private static StandaloneCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = ClusterFixtures.cluster(dir.resolve("spark"), 2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        org.flipstorm.campaign.Fixtures.stopReader();
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aCampaignOnTheClusterWritesTheSameRowsAsLocalAndRefusesASpecChange() throws Exception {
        Path onCluster = dir.resolve("cluster-out");
        Path local = dir.resolve("local-out");
        int status = submitAndWait(cluster, "same-cluster", cluster.masterUrl(),
                config(dir, "same", onCluster.toString(), 100, 200), 300);
        assertEquals(0, status, cluster.log("same-cluster"));
        status = submitAndWait(cluster, "same-local", "local[2]", config(dir, "same", local.toString(), 100, 200), 300);
        assertEquals(0, status, cluster.log("same-local"));

        List<Row> a = rows(onCluster.resolve("same"));
        List<Row> b = rows(local.resolve("same"));
        assertExactlyOnce(a, 1200);
        assertEquals(b, a, "the cluster's rows equal local[2]'s, row for row");
        for (int w = 0; w < 2; w++) {
            assertTrue(cluster.log("worker-" + w).contains("Asked to launch executor"),
                    "worker " + w + " ran an executor:\n" + cluster.log("worker-" + w));
        }
        System.out.println("standalone: " + line(cluster.log("same-cluster"), "done:"));
        System.out.println("local[2]:   " + line(cluster.log("same-local"), "done:"));

        // the same campaign name with another trial count is refused, and the results stay as they were
        status = submitAndWait(cluster, "same-changed", cluster.masterUrl(),
                config(dir, "same", onCluster.toString(), 100, 201), 300);
        assertEquals(2, status, cluster.log("same-changed"));
        assertTrue(cluster.log("same-changed").contains("was started with another spec or other weights"
                + " (trialsPerLayer: was 200, now 201)"), cluster.log("same-changed"));
        assertEquals(a, rows(onCluster.resolve("same")));
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aKilledDriverIsRerunAndRunsOnlyTheMissingShards() throws Exception {
        Path out = dir.resolve("driver-loss");
        Path campaign = out.resolve("dl");
        Path conf = config(dir, "dl", out.toString(), 200, 1000);
        Process driver = cluster.submit("dl-1", cluster.masterUrl(), ClusterFixtures.jobJar(), ClusterFixtures.MAIN,
                Map.of("spark.executor.memory", "1g"), List.of(conf.toString()));
        ClusterFixtures.awaitCommits(campaign, 3, 240, cluster, "dl-1");
        driver.destroyForcibly();
        driver.waitFor(30, TimeUnit.SECONDS);
        Thread.sleep(3000); // the executors see their driver gone and exit
        long before = ClusterFixtures.commits(campaign);
        assertTrue(before >= 3 && before < 20, before + " of 20 shards committed when the driver died");

        int status = submitAndWait(cluster, "dl-2", cluster.masterUrl(), conf, 300);
        assertEquals(0, status, cluster.log("dl-2"));
        Matcher m = Pattern.compile("resuming: (\\d+) of 20 shards already committed; running the (\\d+) missing")
                .matcher(cluster.log("dl-2"));
        assertTrue(m.find(), cluster.log("dl-2"));
        int committed = Integer.parseInt(m.group(1));
        assertTrue(committed >= before, committed + " committed, " + before + " seen after the kill");
        assertEquals(20 - committed, Integer.parseInt(m.group(2)));
        assertTrue(cluster.log("dl-2").contains("ran " + (20 - committed) + " shards"), cluster.log("dl-2"));
        assertExactlyOnce(rows(campaign), 6_000);
        assertFalse(Files.exists(campaign.resolve("_staging")), "no staging left");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aCorruptModelAndAnUnreachableOutputAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path bad = dir.resolve("bad-model.zip");
        Files.write(bad, new byte[] {'P', 'K', 3, 4, 0, 1, 2});
        Files.copy(ClusterFixtures.MODEL.resolveSibling("lenet-fmnist-baseline.card.json"),
                dir.resolve("bad-model.card.json"));
        Path out = dir.resolve("bad-out");
        Path conf = config(dir, "bad", out.toString(), 20, 10, "model = \"" + bad + "\"");
        assertEquals(2, submitAndWait(cluster, "bad-zip", cluster.masterUrl(), conf, 180), cluster.log("bad-zip"));
        assertTrue(cluster.log("bad-zip").contains("is not a readable DL4J"), cluster.log("bad-zip"));
        assertFalse(Files.exists(out), "nothing written");

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        conf = config(dir, "unreachable", "hdfs://127.0.0.1:" + closed + "/campaigns", 20, 10);
        assertEquals(2, submitAndWait(cluster, "unreachable", cluster.masterUrl(), conf, 180,
                "--set", "campaign.overwrite=false"), cluster.log("unreachable"));
        assertTrue(cluster.log("unreachable").contains("cannot reach the campaign output hdfs://127.0.0.1:" + closed
                + "/campaigns"), cluster.log("unreachable"));
    }

    private static String line(String log, String prefix) {
        return log.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no '" + prefix + "' line)");
    }
}
