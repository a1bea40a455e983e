package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per campaign: a second run is refused while the first holds the lease; a stale lease is taken over. */
class LeaseTest {
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

    @Test
    void aSecondRunIsRefusedWhileTheFirstWritesAndTheFirstEndsWhole() throws Exception {
        Path output = dir.resolve("two");
        Path conf = Fixtures.config(dir, model, output, "sampling { eligible = all }", "trials-per-layer = 400",
                "images-per-shard = 2");
        Path lease = output.resolve("t").resolve(CampaignLease.FILE);
        CompletableFuture<Fixtures.Outcome> first = CompletableFuture.supplyAsync(() -> Fixtures.campaign(conf.toString()));
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.exists(lease) && !first.isDone() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(lease), "the first run holds a lease while it writes");
        Fixtures.Outcome second = Fixtures.campaign(conf.toString());
        assertEquals(2, second.status(), second.out());
        assertTrue(second.err().contains("is being written by") && second.err().contains(" pid ")
                && second.err().trim().lines().count() == 1, second.err());
        Fixtures.Outcome done = first.get();
        assertEquals(0, done.status(), done.err());
        assertTrue(done.out().contains("done: 2,400 trials"), done.out());
        assertFalse(Files.exists(lease), "released at the end");
        assertEquals(2400, Fixtures.reader().read().parquet(output.resolve("t/trials").toString()).count());
    }

    @Test
    void aFreshLeaseOfAProcessOfThisHostThatIsGoneIsTakenOver() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path output = dir.resolve("killed");
        Path campaign = Files.createDirectories(output.resolve("t"));
        Files.writeString(campaign.resolve(CampaignLease.FILE), "{\"owner\":\"killed driver\",\"host\":\""
                + java.net.InetAddress.getLocalHost().getHostName() + "\",\"pid\":" + dead.pid()
                + ",\"heartbeat_ms\":" + System.currentTimeMillis() + "}");
        Fixtures.Outcome o = Fixtures.campaign(Fixtures.config(dir, model, output, "layers = [conv1]",
                "trials-per-layer = 5").toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("taking over the stale lease of killed driver"), o.out());
    }

    @Test
    void aLeaseWithoutHeartbeatIsTakenOver() throws Exception {
        Path output = dir.resolve("stale");
        Path campaign = Files.createDirectories(output.resolve("t"));
        Files.writeString(campaign.resolve(CampaignLease.FILE), "{\"owner\":\"ghost pid 1 run dead\",\"heartbeat_ms\":0}");
        Files.writeString(campaign.resolve(CampaignLayout.MANIFEST), "{\"campaign_id\":\"x\"}");
        Fixtures.Outcome o = Fixtures.campaign(Fixtures.config(dir, model, output, "overwrite = true",
                "layers = [conv1]", "trials-per-layer = 5").toString());
        assertEquals(0, o.status(), o.err());
        assertFalse(Files.exists(campaign.resolve(CampaignLease.FILE)));
    }
}
