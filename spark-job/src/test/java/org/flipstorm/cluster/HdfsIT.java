package org.flipstorm.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.flipstorm.campaign.Fixtures;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign whose model and output live on HDFS (a NameNode and a DataNode of Hadoop's mini
 * cluster on 127.0.0.1): the model is fetched from {@code hdfs://}, every shard commits its Parquet
 * there, and a rerun finds every shard committed.
 */
class HdfsIT {
    @TempDir
    static Path dir;

    @AfterAll
    static void stop() {
        Fixtures.stopReader();
    }

    private static String run(Path conf) {
        Fixtures.Outcome o = Fixtures.campaign(conf.toString());
        assertEquals(0, o.status(), o.err());
        return o.out();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aCampaignReadsItsModelFromAndWritesItsParquetToHdfs() throws Exception {
        Dl4jRuntime.configure();
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("dfs").toString());
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        try {
            dfs.waitActive();
            String base = "hdfs://127.0.0.1:" + dfs.getNameNodePort();
            FileSystem fs = dfs.getFileSystem();
            org.apache.hadoop.fs.Path models = new org.apache.hadoop.fs.Path(base + "/models");
            assertTrue(fs.mkdirs(models));
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(ClusterFixtures.MODEL.toUri()), models);
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(ClusterFixtures.MODEL
                    .resolveSibling("lenet-fmnist-baseline.card.json").toUri()), models);
            Path campaignConf = ClusterFixtures.config(dir, "h", base + "/campaigns", 40, 100,
                    "model = \"" + base + "/models/lenet-fmnist-baseline.zip\"", "spark-master = \"local[2]\"");

            String printed = run(campaignConf);
            assertTrue(printed.contains("campaign directory: " + base + "/campaigns/h"), printed);
            List<Row> rows = Fixtures.reader().read().parquet(base + "/campaigns/h/trials").orderBy("trial_id")
                    .collectAsList();
            ClusterFixtures.assertExactlyOnce(rows, 600);
            assertEquals(4, fs.listStatus(new org.apache.hadoop.fs.Path(base + "/campaigns/h/_commits")).length,
                    "40 images in blocks of 10: 4 commits");
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(base + "/campaigns/h/manifest.json")));
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path(base + "/campaigns/h/_staging")));

            String again = run(campaignConf);
            assertTrue(again.contains("resuming: 4 of 4 shards already committed; running the 0 missing"), again);

            // a class-folder tree of PNGs on HDFS as the images (copied once per JVM, read like a local tree)
            Path pngs = dir.resolve("pngs");
            org.flipstorm.zoo.data.ImageSet slice = org.flipstorm.zoo.data.Datasets.load("fashion-mnist", "test",
                    java.util.Optional.of(ClusterFixtures.IMAGES));
            org.flipstorm.zoo.data.FolderDataset.writePngs(slice, org.flipstorm.zoo.store.ModelStore
                    .load(ClusterFixtures.MODEL).card().classNames(), 30, pngs);
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(pngs.toUri()), new org.apache.hadoop.fs.Path(base
                    + "/images"));
            Path folderConf = ClusterFixtures.config(dir, "f", base + "/campaigns", 30, 60,
                    "model = \"" + base + "/models/lenet-fmnist-baseline.zip\"", "spark-master = \"local[2]\"",
                    "images { dataset = folder, path = \"" + base + "/images\", split = test, count = 30 }");
            run(folderConf);
            List<Row> folderRows = Fixtures.reader().read().parquet(base + "/campaigns/f/trials")
                    .orderBy("trial_id").collectAsList();
            ClusterFixtures.assertExactlyOnce(folderRows, 360);
            java.util.Set<Integer> written = new java.util.TreeSet<>();
            for (int i = 0; i < 30; i++) {
                written.add(slice.label(i));
            }
            java.util.Set<Integer> seen = new java.util.TreeSet<>();
            folderRows.forEach(r -> seen.add(r.getInt(r.fieldIndex("label"))));
            assertEquals(written, seen, "the labels are the folders' classes");
        } finally {
            dfs.shutdown();
        }
    }
}
