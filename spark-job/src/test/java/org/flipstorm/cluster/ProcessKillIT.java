package org.flipstorm.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes on local Spark: two campaign processes on one campaign (the second is refused,
 * naming the first), and a campaign process SIGKILLed at several moments of its run (between
 * shard commits, during a manifest write) that every rerun resumes until the rows are complete,
 * each trial once.
 */
class ProcessKillIT {
    @TempDir
    Path dir;

    private Process start(Path conf, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ClusterFixtures.jvmOptions());
        cmd.addAll(List.of("-Xmx2g", "-cp", ClusterFixtures.moduleClasspath() + java.io.File.pathSeparator
                + Path.of("target/classes").toAbsolutePath(), "org.flipstorm.campaign.CampaignMain", conf.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    private static long commits(Path campaign) throws IOException {
        Path markers = campaign.resolve("_commits");
        if (!Files.isDirectory(markers)) {
            return 0;
        }
        try (var s = Files.list(markers)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aSecondProcessIsRefusedAndKilledRunsResumeToExactlyTheirRows() throws Exception {
        Path out = dir.resolve("out");
        Path campaign = out.resolve("k");
        Path conf = ClusterFixtures.config(dir, "k", out.toString(), 200, 8000, "spark-master = \"local[1]\"");

        Process first = start(conf, dir.resolve("first.log"));
        long deadline = System.currentTimeMillis() + 120_000;
        while (commits(campaign) < 2 && first.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(first.isAlive(), Files.readString(dir.resolve("first.log")));
        Process second = start(conf, dir.resolve("second.log"));
        assertTrue(second.waitFor(120, TimeUnit.SECONDS));
        String refused = Files.readString(dir.resolve("second.log"));
        assertEquals(2, second.exitValue(), refused);
        assertTrue(refused.contains("is being written by") && refused.contains("pid " + first.pid()), refused);

        // Kill the first mid-run, then kill each rerun after one more commit, then let one finish.
        first.destroyForcibly().waitFor();
        for (int kill = 0; kill < 2; kill++) {
            long before = commits(campaign);
            Process rerun = start(conf, dir.resolve("rerun-" + kill + ".log"));
            while (commits(campaign) <= before && rerun.isAlive()) {
                Thread.sleep(20);
            }
            rerun.destroyForcibly().waitFor();
        }
        Process last = start(conf, dir.resolve("last.log"));
        assertTrue(last.waitFor(240, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("last.log"));
        assertEquals(0, last.exitValue(), log);
        assertTrue(log.contains("48,000 trials"), log);
        assertEquals(20, commits(campaign));
        assertTrue(Files.readString(campaign.resolve("manifest.json")).contains("\"complete\""));
        assertFalse(Files.exists(campaign.resolve("_staging")), "no staging left");
        assertFalse(Files.exists(campaign.resolve("_lease.json")), "lease released");
        List<Long> rows = new ArrayList<>();
        try (var s = Files.list(campaign.resolve("_commits"))) {
            for (Path m : s.toList()) {
                rows.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(m.toFile()).path("rows").asLong());
            }
        }
        assertEquals(48_000L, rows.stream().mapToLong(Long::longValue).sum(), "the markers account for every trial once");
    }
}
