package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once shards: a campaign whose driver died part-way (simulated by removing some shards'
 * commits and files, and leaving a stale staging directory) reruns only the missing shards and
 * ends with the same rows, each trial once; a changed spec is refused and nothing is touched.
 */
class ResumeTest {
    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void setUp() throws IOException {
        Dl4jRuntime.configure();
        model = Fixtures.saveTinyModel(dir);
    }

    @AfterAll
    static void tearDown() {
        Fixtures.stopReader();
    }

    private static String run(Path conf, int expectedStatus, String... extra) {
        Fixtures.Outcome o = Fixtures.campaign(Stream.concat(Stream.of(conf.toString()), Stream.of(extra))
                .toArray(String[]::new));
        assertEquals(expectedStatus, o.status(), o.err());
        return o.out() + o.err();
    }

    private static List<Row> rows(Path campaign) {
        return Fixtures.reader().read().parquet(campaign.resolve("trials").toString()).orderBy("trial_id").collectAsList();
    }

    @Test
    void aDeletedATruncatedFileAndAnEmptyMarkerAreFoundAndTheirShardsRunAgain() throws Exception {
        Path output = dir.resolve("verify");
        Path conf = Fixtures.config(dir, model, output, "sampling { eligible = all }");
        run(conf, 0);
        Path campaign = output.resolve("t");
        List<Row> complete = rows(campaign);
        List<Path> parquet;
        try (Stream<Path> files = Files.walk(campaign.resolve("trials"))) {
            parquet = files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
        // shard 0's file deleted, shard 1's file cut short, shard 2's marker emptied
        Path deleted = parquet.stream().filter(p -> p.endsWith("shard-000000.parquet")).findFirst().orElseThrow();
        Path truncated = parquet.stream().filter(p -> p.endsWith("shard-000001.parquet")).findFirst().orElseThrow();
        Files.delete(deleted);
        byte[] whole = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        Files.write(campaign.resolve("_commits/shard-000002.json"), new byte[0]);

        String printed = run(conf, 0);
        assertTrue(printed.contains("shard 0: trials/model_id=tiny-lenet/shard-000000.parquet is"
                + " missing; it will run again"), printed);
        assertTrue(printed.contains("shard 1: trials/model_id=tiny-lenet/shard-000001.parquet has "
                + whole.length / 2 + " bytes, not the " + whole.length), printed);
        assertTrue(printed.contains("shard-000002.json is unreadable"), printed);
        assertTrue(printed.contains("resuming: 1 of 4 shards already committed; running the 3 missing"), printed);
        List<Row> again = rows(campaign);
        assertEquals(complete.size(), again.size(), "every trial once, none lost");
        assertEquals(complete.stream().map(r -> r.getLong(1)).toList(), again.stream().map(r -> r.getLong(1)).toList());
        assertTrue(Files.readString(campaign.resolve("manifest.json")).contains("\"trials\" : 300"));
    }

    @Test
    void aRerunAfterADriverLossRunsOnlyTheMissingShardsAndCountsEveryTrialOnce() throws Exception {
        Path output = dir.resolve("resume");
        // every image eligible, so the 40 images make 4 shards (the tiny model gets few right)
        Path conf = Fixtures.config(dir, model, output, "sampling { eligible = all }");
        run(conf, 0);
        Path campaign = output.resolve("t");
        List<Row> complete = rows(campaign);
        assertEquals(300, complete.size());

        // one shard lost its commit and every file; another lost its commit but kept its files
        // (a crash between the renames and the marker); a staging leftover of a killed task
        List<Path> markers;
        try (Stream<Path> s = Files.list(campaign.resolve("_commits"))) {
            markers = s.filter(p -> p.getFileName().toString().startsWith("shard-")).sorted().toList();
        }
        int shards = markers.size();
        assertEquals(4, shards, "40 images in blocks of 10: " + markers);
        String lost = markers.get(0).getFileName().toString().replace(".json", ".parquet");
        Files.delete(markers.get(0));
        Files.delete(markers.get(shards - 1));
        try (Stream<Path> files = Files.walk(campaign.resolve("trials"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals(lost)).toList()) {
                Files.delete(f);
            }
        }
        Files.createDirectories(campaign.resolve("_staging/" + lost + "-dead"));

        String printed = run(conf, 0);
        assertTrue(printed.contains("resuming: " + (shards - 2) + " of " + shards
                + " shards already committed; running the 2 missing"), printed);
        List<Row> resumed = rows(campaign);
        assertEquals(complete, resumed, "same rows, no trial twice");
        assertEquals(300, resumed.stream().map(r -> r.getLong(r.fieldIndex("trial_id"))).distinct().count());
        assertTrue(Files.notExists(campaign.resolve("_staging")), "staging cleaned");

        String again = run(conf, 0);
        assertTrue(again.contains("resuming: " + shards + " of " + shards + " shards already committed;"
                + " running the 0 missing"), again);
    }

    @Test
    void aChangedSpecUnderAnExistingCampaignIsRefusedAndNothingIsTouched() throws Exception {
        Path output = dir.resolve("changed");
        run(Fixtures.config(dir, model, output), 0);
        Path campaign = output.resolve("t");
        long before;
        try (Stream<Path> s = Files.walk(campaign)) {
            before = s.mapToLong(p -> p.toFile().lastModified() + p.toString().hashCode()).sum();
        }
        String printed = run(Fixtures.config(dir, model, output, "trials-per-layer = 60"),
                CampaignMain.EXIT_BAD_INPUT);
        assertTrue(printed.contains("was started with another spec or other weights (trialsPerLayer: was 50, now 60);"),
                "names the changed key and only that one: " + printed);
        try (Stream<Path> s = Files.walk(campaign)) {
            assertEquals(before, s.mapToLong(p -> p.toFile().lastModified() + p.toString().hashCode()).sum());
        }
    }

    /** A campaign started by a FlipStorm of another trial schema (file per shard and layer) is not resumed into. */
    @Test
    void aCampaignOfAnotherTrialSchemaIsRefusedAndNothingIsTouched() throws Exception {
        Path output = dir.resolve("older");
        run(Fixtures.config(dir, model, output), 0);
        Path manifest = output.resolve("t").resolve("manifest.json");
        String json = Files.readString(manifest);
        String current = "\"schema_version\" : " + org.flipstorm.common.schema.TrialColumn.SCHEMA_VERSION;
        assertTrue(json.contains(current), json);
        Files.writeString(manifest, json.replace(current, "\"schema_version\" : 2"));
        Files.deleteIfExists(manifest.resolveSibling(".manifest.json.crc")); // Hadoop's checksum of the old text
        Path marker;
        try (Stream<Path> markers = Files.list(output.resolve("t/_commits"))) {
            marker = markers.sorted().findFirst().orElseThrow();
        }
        Files.delete(marker);
        String printed = run(Fixtures.config(dir, model, output), CampaignMain.EXIT_BAD_INPUT);
        assertTrue(printed.contains("was started with trial schema 2 and this FlipStorm writes schema 3"), printed);
        assertTrue(printed.contains("set campaign.overwrite = true to run it again"), printed);
        assertFalse(Files.exists(marker), "the shard whose marker went did not run again");
    }
}
