package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analysis reads what the markers commit, and refuses a campaign that is not complete. */
class CommittedDataTest {
    @TempDir
    Path dir;

    /** A campaign as the job lays it out: two shard files per its markers, plus one no marker covers. */
    private Path campaign(String status, boolean secondCommitted) throws Exception {
        Path c = dir.resolve("camp");
        Path trials = c.resolve("trials/model_id=m/layer_name=conv1");
        Files.createDirectories(trials);
        Files.createDirectories(c.resolve("_commits"));
        try (Connection conn = DriverManager.getConnection("jdbc:duckdb:"); Statement st = conn.createStatement()) {
            for (int shard = 0; shard < 3; shard++) {
                // shard 0: 100 trials, 10 SDC; shard 1: 100 trials, 50 SDC; shard 2 (uncommitted): 100, all SDC
                int sdc = shard == 0 ? 10 : shard == 1 ? 50 : 100;
                st.execute("COPY (SELECT 'c' AS campaign_id, (" + shard + " * 100 + i)::BIGINT AS trial_id,"
                        + " 'baseline' AS variant, 'toy' AS architecture, 0 AS layer_index,"
                        + " CASE WHEN i < " + sdc + " THEN 'sdc' ELSE 'masked' END AS outcome,"
                        + " 0.1::FLOAT AS delta_loss, 'fp32' AS format, (i % 32)::INTEGER AS bit,"
                        + " (i % 20)::INTEGER AS image_index, 0 AS label, 0 AS golden_top1, 0.9::FLOAT AS"
                        + " golden_confidence, 0 AS faulty_top1, 0.5::FLOAT AS golden_top2diff"
                        + " FROM range(100) r(i)) TO '"
                        + trials.resolve(String.format("shard-%06d.parquet", shard)) + "' (FORMAT PARQUET)");
            }
        }
        for (int shard = 0; shard < (secondCommitted ? 2 : 1); shard++) {
            String rel = String.format("trials/model_id=m/layer_name=conv1/shard-%06d.parquet", shard);
            Files.writeString(c.resolve(String.format("_commits/shard-%06d.json", shard)), "{\"shardId\":" + shard
                    + ",\"rows\":100,\"files\":[{\"path\":\"" + rel + "\",\"length\":" + Files.size(c.resolve(rel))
                    + ",\"rows\":100}]}");
        }
        Files.writeString(c.resolve("manifest.json"), "{\"status\":\"" + status + "\",\"planned_trials\":200}");
        return c;
    }

    private static String[] run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SummaryMain.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(status), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void aRunningCampaignIsRefusedWithItsStatusAndFractionUnlessPartialIsAllowed() throws Exception {
        Path c = campaign("running", false);
        String[] r = run(c.toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[2].contains("is running, not complete: 100 of 200 planned trials committed (50.0%)")
                && r[2].trim().lines().count() == 1, r[2]);
        String[] partial = run(c.toString(), "--allow-partial");
        assertEquals("0", partial[0], partial[2]);
        assertTrue(partial[1].startsWith("PARTIAL: 100 of 200 planned trials committed (50.0%)"), partial[1]);
        // only shard 0 is read: 100 trials, 10 SDC (not 300 trials with the uncovered files)
        assertTrue(partial[1].contains("    100    0.1000"), partial[1]);
        assertTrue(Files.readString(c.resolve("report.html")).contains("PARTIAL"));
        List<String> csv = Files.readAllLines(c.resolve("layer_summary.csv"));
        assertTrue(csv.get(1).startsWith("m,0,conv1,100,10,"), csv.get(1));
    }

    @Test
    void aCompleteCampaignIsReadFromItsCommittedFilesOnly() throws Exception {
        Path c = campaign("complete", true);
        String[] r = run(c.toString());
        assertEquals("0", r[0], r[2]);
        // shards 0 and 1: 200 trials, 60 SDC; the stray shard 2 file is not read
        List<String> csv = Files.readAllLines(c.resolve("layer_summary.csv"));
        assertTrue(csv.get(1).startsWith("m,0,conv1,200,60,"), csv.get(1));
        assertTrue(!r[1].contains("PARTIAL"), r[1]);
    }
}
