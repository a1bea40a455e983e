package org.flipstorm.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Worker and its executor killed (SIGKILL) in the middle of a campaign: Spark runs the lost
 * tasks on the other Worker, the campaign completes, and every planned trial is in the Parquet
 * exactly once, whatever the killed executor had written before it died.
 */
class ExecutorLossIT {
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
    void aCampaignSurvivesTheLossOfAWorkerAndCountsEveryTrialOnce() throws Exception {
        Path out = dir.resolve("out");
        Path campaign = out.resolve("el");
        Path conf = ClusterFixtures.config(dir, "el", out.toString(), 200, 1000);
        Process driver = cluster.submit("el", cluster.masterUrl(), ClusterFixtures.jobJar(), ClusterFixtures.MAIN,
                Map.of("spark.executor.memory", "1g"), List.of(conf.toString()));
        ClusterFixtures.awaitCommits(campaign, 3, 240, cluster, "el");
        assertTrue(cluster.log("worker-1").contains("Asked to launch executor"), "worker 1 runs an executor");
        long atKill = ClusterFixtures.commits(campaign);
        cluster.killWorker(1);
        assertTrue(atKill < 20, atKill + " of 20 shards committed when the worker died");

        assertTrue(driver.waitFor(5, TimeUnit.MINUTES), "the campaign finishes on the remaining worker:\n"
                + cluster.log("el"));
        assertEquals(0, driver.exitValue(), cluster.log("el"));
        ClusterFixtures.assertExactlyOnce(ClusterFixtures.rows(campaign), 6_000);
        assertEquals(20, ClusterFixtures.commits(campaign));
        assertFalse(Files.exists(campaign.resolve("_staging")), "no staging left");
        String log = cluster.log("el");
        assertTrue(log.contains("ExecutorLostFailure") || log.contains("Lost executor")
                || log.contains("lost worker"), "the driver saw the executor go:\n" + log);
    }
}
