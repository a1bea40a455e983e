package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several configs in one {@code campaign} command: one session, the same rows as alone, clear refusals. */
class CampaignSeriesTest {
    @TempDir
    static Path dir;
    private static Path lenet;
    private static Path resnet;

    @BeforeAll
    static void setUp() throws IOException {
        Dl4jRuntime.configure();
        lenet = Fixtures.saveTinyModel(dir);
        resnet = Fixtures.saveTinyResNet(dir);
    }

    @AfterAll
    static void tearDown() {
        Fixtures.stopReader();
    }

    private static List<String> rows(Path campaign) {
        return Fixtures.reader().read().parquet(campaign.resolve("trials").toString()).orderBy("trial_id")
                .select("trial_id", "layer_name", "neuron_index", "bit", "value_after", "faulty_top1", "outcome",
                        "delta_loss")
                .collectAsList().stream().map(Row::toString).toList();
    }

    @Test
    void twoModelsInOneSeriesWriteTheRowsEachWritesAlone() throws IOException {
        Path series = dir.resolve("series");
        Path a = Fixtures.config(dir, lenet, series, "name = a", "sampling { eligible = all }");
        Path b = Fixtures.config(dir, resnet, series, "name = b", "sampling { eligible = all }",
                "layers = [0, 3, 7]");
        Fixtures.Outcome o = Fixtures.campaign(a.toString(), b.toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("== campaign 1 of 2: " + a), o.out());
        assertTrue(o.out().contains("== campaign 2 of 2: " + b), o.out());
        assertTrue(o.out().contains("series: 2 of 2 campaigns complete\n"), o.out());

        // the same configs (the same names, so the same run ids) alone, each in a command of its own
        Path alone = dir.resolve("alone");
        for (Path conf : List.of(a, b)) {
            Fixtures.Outcome one = Fixtures.campaign(conf.toString(), "--set", "campaign.output=\"" + alone + "\"");
            assertEquals(0, one.status(), one.err());
            assertFalse(one.out().contains("== campaign"), "a single config prints no series header");
        }
        for (String name : List.of("a", "b")) {
            List<String> inSeries = rows(series.resolve(name));
            assertEquals(name.equals("a") ? 300 : 150, inSeries.size(), name);
            assertEquals(rows(alone.resolve(name)), inSeries, name + ": same trials, same outcomes, same losses");
            assertTrue(Files.readString(series.resolve(name).resolve("manifest.json")).contains("\"complete\""), name);
        }
    }

    @Test
    void aRefusedCampaignDoesNotStopTheOthersAndSetsTheStatus() throws IOException {
        Path output = dir.resolve("refused");
        Path bad = Fixtures.config(dir, dir.resolve("no-such-model.zip"), output, "name = bad");
        Path good = Fixtures.config(dir, lenet, output, "name = good");
        Fixtures.Outcome o = Fixtures.campaign(bad.toString(), good.toString());
        assertEquals(CampaignMain.EXIT_BAD_INPUT, o.status(), o.out() + o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().startsWith("campaign: " + bad + ": "), o.err());
        assertTrue(o.err().contains("no-such-model.zip does not exist"), o.err());
        assertTrue(o.out().contains("series: 1 of 2 campaigns complete; rerun the same command to resume the others"),
                o.out());
        assertFalse(Files.exists(output.resolve("bad")), "nothing written for the refused campaign");
        assertTrue(Files.exists(output.resolve("good").resolve("manifest.json")));
    }

    /** Runs {@code a} and {@code b} as one series and expects a refusal in one line containing {@code expected}. */
    private static void assertSeriesRefused(Path output, Path a, Path b, String expected) {
        Fixtures.Outcome o = Fixtures.campaign(a.toString(), b.toString());
        assertEquals(CampaignMain.EXIT_BAD_INPUT, o.status(), o.out() + o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains(expected), o.err());
        assertFalse(Files.exists(output), "nothing written");
    }

    @Test
    void twoConfigsNamingOneCampaignAreRefusedBeforeAnythingRuns() throws IOException {
        Path output = dir.resolve("same");
        Path one = Fixtures.config(dir, lenet, output, "name = twin");
        Path two = Fixtures.config(dir, lenet, output, "name = twin", "seed = 8");
        assertSeriesRefused(output, one, two, one + " and " + two + " both name the campaign");
    }

    @Test
    void differentMastersAreRefusedAndAMistakeNamesItsFile() throws IOException {
        Path output = dir.resolve("masters");
        Path one = Fixtures.config(dir, lenet, output, "name = m1");
        Path two = Fixtures.config(dir, lenet, output, "name = m2", "spark-master = \"local[1]\"");
        assertSeriesRefused(output, one, two, "names spark-master local[2] and " + two + " names local[1]");
        Path broken = Fixtures.config(dir, lenet, output, "name = m3", "trials-per-layer = many");
        assertSeriesRefused(output, one, broken, "campaign: " + broken + ": ");
    }
}
