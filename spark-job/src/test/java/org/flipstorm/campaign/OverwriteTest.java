package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code overwrite = true} deletes only a FlipStorm campaign, and only its own files. */
class OverwriteTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void setUp() throws Exception {
        model = Fixtures.saveTinyModel(dir);
    }

    @AfterAll
    static void tearDown() {
        Fixtures.stopReader();
    }

    private static Fixtures.Outcome run(Path output) throws Exception {
        return Fixtures.campaign(Fixtures.config(dir, model, output, "overwrite = true", "trials-per-layer = 5",
                "layers = [conv1]").toString());
    }

    @Test
    void aFolderOfSomeoneElsesFilesIsRefusedAndLeftAsItWas() throws Exception {
        Path output = dir.resolve("thesis-out");
        Path thesis = Files.createDirectories(output.resolve("t"));
        Files.writeString(thesis.resolve("a.tex"), "hi");
        Fixtures.Outcome o = run(output);
        assertEquals(2, o.status(), o.out());
        assertTrue(o.err().contains("is not a FlipStorm campaign") && o.err().trim().lines().count() == 1, o.err());
        assertEquals("hi", Files.readString(thesis.resolve("a.tex")));
        assertEquals(1, Files.list(thesis).count(), "nothing added either");
    }

    @Test
    void aFileInTheWayIsRefused() throws Exception {
        Path output = Files.createDirectories(dir.resolve("file-out"));
        Files.writeString(output.resolve("t"), "data");
        Fixtures.Outcome o = run(output);
        assertEquals(2, o.status(), o.out());
        assertTrue(o.err().contains("is a file, not a campaign"), o.err());
        assertEquals("data", Files.readString(output.resolve("t")));
    }

    @Test
    void aCampaignIsReplacedButAFileOfTheUsersBesideItIsKept() throws Exception {
        Path output = dir.resolve("camp-out");
        assertEquals(0, run(output).status());
        Path campaign = output.resolve("t");
        Files.writeString(campaign.resolve("notes.txt"), "mine");
        Files.writeString(campaign.resolve("layer_summary.csv"), "old table");
        Fixtures.Outcome again = run(output);
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("kept what is not its own: [notes.txt]"), again.out());
        assertEquals("mine", Files.readString(campaign.resolve("notes.txt")));
        assertFalse(Files.exists(campaign.resolve("layer_summary.csv")), "its own analysis output was discarded");
        assertTrue(Files.exists(campaign.resolve(CampaignLayout.MANIFEST)));
        try (var files = Files.list(campaign)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temp manifest left");
        }
    }
}
