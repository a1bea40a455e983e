package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hadoop caches one FileSystem per scheme and user, carrying the configuration of whoever created
 * it first: in a JVM that also runs an HDFS or YARN client (a test with mini clusters, a notebook
 * kernel) that configuration's default file system may be hdfs:. A campaign writing to a plain
 * local path must not resolve its renames against it (it did: the manifest's rename went to HDFS
 * and failed with "rename source ... is not found").
 */
class CachedFileSystemTest {
    @TempDir
    static Path dir;

    @AfterAll
    static void tearDown() throws Exception {
        Fixtures.stopReader();
        FileSystem.closeAll(); // later tests get a cache without the foreign default
    }

    @Test
    void aLocalCampaignIgnoresTheDefaultFileSystemOfTheCachedLocalFileSystem() throws Exception {
        Path model = Fixtures.saveTinyModel(dir);
        FileSystem.closeAll();
        Configuration foreign = new Configuration();
        foreign.set("fs.defaultFS", "nofs://elsewhere/");
        FileSystem cached = FileSystem.get(URI.create("file:///"), foreign);
        assertEquals("nofs://elsewhere/", cached.getConf().get("fs.defaultFS"), "the cache now holds the foreign conf");

        Path output = dir.resolve("out");
        Fixtures.Outcome o = Fixtures.campaign(Fixtures.config(dir, model, output).toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(Files.exists(output.resolve("t").resolve(CampaignLayout.MANIFEST)));
        assertTrue(Files.readString(output.resolve("t").resolve(CampaignLayout.MANIFEST)).contains("\"complete\""));
    }
}
