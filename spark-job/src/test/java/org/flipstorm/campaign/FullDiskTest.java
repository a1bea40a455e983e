package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file system that fills up mid-campaign (a real 1 MiB tmpfs; skipped where this process may not
 * mount one): one line, the committed shards kept, no temp files, and a rerun after freeing space
 * completes the campaign.
 */
class FullDiskTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path mount;

    @BeforeAll
    static void mountTmpfs() throws Exception {
        model = Fixtures.saveTinyModel(dir);
        mount = Files.createDirectories(dir.resolve("small"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        boolean mounted = p.waitFor() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here: " + new String(p.getInputStream().readAllBytes()));
    }

    @AfterAll
    static void unmount() throws Exception {
        Fixtures.stopReader();
        if (mount != null) {
            unmount(mount);
        }
    }

    /**
     * Unmounts {@code at}. A Spark task cancelled when the disk filled may still be closing its
     * file there on a loaded machine (umount then fails with "target is busy", and JUnit cannot
     * delete the temp directory): retry for up to 10 s, then detach lazily (the kernel frees the
     * mount when the last file on it closes).
     */
    static void unmount(Path at) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            if (new ProcessBuilder("umount", at.toString()).start().waitFor() == 0) {
                return;
            }
            Thread.sleep(500);
        }
        new ProcessBuilder("umount", "-l", at.toString()).start().waitFor();
    }

    @Test
    void aReadOnlyOutputIsRefusedInOneLineBeforeSparkStarts() throws Exception {
        Path ro = Files.createDirectories(dir.resolve("read-only"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", ro.toString()).start();
        Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a read-only tmpfs here");
        try {
            Fixtures.Outcome o = Fixtures.campaign(Fixtures.config(dir, model, ro).toString());
            assertEquals(2, o.status(), o.out());
            assertTrue(o.err().contains("cannot write the campaign output") && o.err().trim().lines().count() == 1,
                    o.err());
            assertTrue(!o.out().contains("DL4J convolutions"), "refused before the campaign started: " + o.out());
        } finally {
            unmount(ro);
        }
    }

    @Test
    void aFullOutputEndsInOneLineLeavesTheCampaignResumableAndNoTempFiles() throws Exception {
        Path output = mount.resolve("out");
        Path conf = Fixtures.config(dir, model, output, "sampling { eligible = all }", "images-per-shard = 5");
        // Leave room for the manifest and a few shards, not for all of them.
        Path filler = mount.resolve("filler");
        long free = Files.getFileStore(mount).getUsableSpace();
        Files.write(filler, new byte[(int) (free - 48 * 1024)]);
        Fixtures.Outcome full = Fixtures.campaign(conf.toString());
        assertEquals(2, full.status(), full.out());
        assertTrue(full.err().contains("ran out of space") && full.err().trim().lines().count() == 1, full.err());
        Path campaign = output.resolve("t");
        try (Stream<Path> files = Files.walk(campaign)) {
            List<Path> temps = files.filter(f -> f.getFileName().toString().endsWith(".tmp")
                    || f.toString().contains("_staging/")).toList();
            assertEquals(List.of(), temps, "no temp or staging file left");
        }
        assertTrue(Files.readString(campaign.resolve(CampaignLayout.MANIFEST)).contains("\"running\""));

        Files.delete(filler);
        Fixtures.Outcome again = Fixtures.campaign(conf.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("done: 300 trials"), again.out());
        assertEquals(300, Fixtures.reader().read().parquet(campaign.resolve("trials").toString()).count());
    }
}
