package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.flipstorm.common.schema.TrialColumn;
import org.flipstorm.inject.InjectableNetwork;
import org.flipstorm.inject.InjectableNetworks;
import org.flipstorm.inject.RangeProfile;
import org.flipstorm.zoo.data.IdxDataset;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.store.ModelStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small campaign on local[2] Spark, written to Parquet and read back. */
class CampaignEndToEndTest {
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

    private static Path runCampaign(Path output) throws IOException {
        Fixtures.Outcome o = Fixtures.campaign(Fixtures.config(dir, model, output).toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("done: 300 trials"), o.out());
        assertTrue(o.out().contains("); DL4J convolutions native_helper on every one"), o.out());
        assertTrue(o.out().matches("(?s).*\nengine time on faults [0-9.]+ s; costliest layers: \\S+ [0-9.]+ ms/trial.*"),
                o.out());
        return output.resolve("t");
    }


    @Test
    void writesTheTrialSchemaOnceForEveryPlannedTrialAndRepeatsExactly() throws IOException {
        Path first = runCampaign(dir.resolve("run1"));
        Path second = runCampaign(dir.resolve("run2"));

        Dataset<Row> a = Fixtures.reader().read().parquet(first.resolve("trials").toString());
        Map<Integer, ShardStore.Commit> commits = ShardStore.verified(
                org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()),
                new org.apache.hadoop.fs.Path(first.toUri()), System.out);
        assertFalse(commits.isEmpty());
        for (ShardStore.Commit c : commits.values()) {
            // Every shard of this plan holds faults of all six layers; their times are part of the engine's.
            assertEquals(java.util.Set.of(0, 1, 2, 3, 4, 5), c.layerSeconds().keySet(), c.toString());
            double layers = c.layerSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
            assertTrue(layers > 0 && layers <= c.engineSeconds(), layers + " s of " + c.engineSeconds());
        }
        List<String> expected = Arrays.asList(TrialRows.SCHEMA.fieldNames());
        assertEquals(expected.stream().sorted().toList(), Arrays.stream(a.columns()).sorted().toList());
        assertEquals(300, a.count(), "6 layers x 50 trials");
        assertEquals(300, a.select(TrialColumn.TRIAL_ID.id()).distinct().count(), "trial ids are unique");
        assertEquals(6, a.select(TrialColumn.LAYER_NAME.id()).distinct().count());
        assertEquals(0, a.filter("outcome not in ('masked', 'sdc', 'non_finite')").count());
        assertEquals(0, a.filter("bit < 0 or bit > 31 or image_index < 0 or image_index >= 40").count());
        assertEquals(0, a.filter("outcome = 'masked' and golden_top1 != faulty_top1").count());

        String[] cols = expected.toArray(String[]::new);
        List<Row> rowsA = a.selectExpr(cols).orderBy(TrialColumn.TRIAL_ID.id()).collectAsList();
        List<Row> rowsB = Fixtures.reader().read().parquet(second.resolve("trials").toString()).selectExpr(cols)
                .orderBy(TrialColumn.TRIAL_ID.id()).collectAsList();
        assertEquals(rowsA, rowsB, "the same seed gives the same trials and outcomes");

        try (Stream<Path> files = Files.walk(first.resolve("trials"))) {
            for (Path p : files.filter(x -> x.toString().endsWith(".parquet")).toList()) {
                try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                        new org.apache.parquet.io.LocalInputFile(p))) {
                    Map<String, String> kv = reader.getFooter().getFileMetaData().getKeyValueMetaData();
                    assertEquals(Integer.toString(TrialColumn.SCHEMA_VERSION), kv.get(ShardStore.META_SCHEMA_VERSION), p.toString());
                    assertTrue(kv.get(ShardStore.META_CAMPAIGN_ID).startsWith("t-"), kv.toString());
                    assertEquals(org.flipstorm.zoo.runtime.Versions.flipstorm(), kv.get(ShardStore.META_WRITER));
                }
            }
        }
        org.apache.hadoop.fs.Path campaignDir = new org.apache.hadoop.fs.Path(first.toUri());
        for (ShardStore.Commit c : ShardStore.committed(campaignDir.getFileSystem(
                new org.apache.hadoop.conf.Configuration()), campaignDir).values()) {
            ExecutorReport e = c.executor();
            assertEquals("driver", e.executorId(), "local mode runs tasks in the driver");
            assertEquals("native_helper", e.convolutionPath());
            assertEquals(System.getenv("OMP_NUM_THREADS"), e.ompThreads());
            assertEquals(Path.of("").toAbsolutePath().toString(), e.workingDir());
            assertEquals(org.bytedeco.javacpp.Loader.getCacheDir().getAbsolutePath(), e.javacppCache());
            // inherit (the default): the task ran with the JVM's OMP_NUM_THREADS
            if (System.getenv("OMP_NUM_THREADS") != null) {
                assertEquals(Integer.parseInt(System.getenv("OMP_NUM_THREADS")), c.taskThreads(),
                        "OpenMP threads of shard " + c.shardId());
            }
        }
        String manifest = Files.readString(first.resolve(CampaignLayout.MANIFEST));
        assertTrue(manifest.contains("\"convolution_path\" : \"native_helper\""), manifest);
        assertTrue(manifest.contains("\"trials\" : 300"), manifest);
        org.apache.hadoop.fs.Path mf = new org.apache.hadoop.fs.Path(first.resolve(CampaignLayout.MANIFEST).toUri());
        Manifest typed = Manifest.read(mf.getFileSystem(new org.apache.hadoop.conf.Configuration()), mf);
        CampaignSpec spec = CampaignConfig.load(Fixtures.config(dir, model, dir.resolve("run1")).toFile(), List.of());
        assertEquals(spec, typed.spec(), "the manifest's spec reads back equal, enums and nested records included");
        assertEquals(Manifest.COMPLETE, typed.status());
        assertEquals(300L, typed.trials());
        assertEquals(6, typed.targetLayers().size());
        assertEquals("", typed.differences(spec, typed.modelCard().weightsSha256()));
        assertEquals("seed: was 7, now 43; model weights: was " + typed.modelCard().weightsSha256() + ", now other",
                typed.differences(new CampaignSpec(spec.name(), 43, spec.model(), spec.images(), spec.layers(),
                spec.trialsPerLayer(), spec.bits(), spec.format(), spec.faultModel(), spec.bitsPerFault(),
                spec.multiBit(), spec.rangeDetector(), spec.target(), spec.output(), spec.overwrite(),
                spec.imagesPerShard(), spec.maxBatch(), spec.nearTie(), spec.cone(), spec.master(), spec.sampling()), "other"),
                "the differences name the component and the weights");
        // A manifest written before the typed spec spelled the detector NONE: it still reads.
        Files.writeString(dir.resolve("old.json"), manifest.replace("\"rangeDetector\" : \"none\"",
                "\"rangeDetector\" : \"NONE\""));
        org.apache.hadoop.fs.Path old = new org.apache.hadoop.fs.Path(dir.resolve("old.json").toUri());
        assertEquals(spec, Manifest.read(old.getFileSystem(new org.apache.hadoop.conf.Configuration()), old).spec());
        try (Stream<Path> s = Files.list(first)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("_staging")), "no staging left");
        }
    }

    @Test
    void anExecutorOnTheSlowConvolutionPathIsNamedInAWarning() {
        ExecutorReport fast = new ExecutorReport("1", "a", "native_helper", "1", "/c", "/w");
        ExecutorReport slow = new ExecutorReport("2", "b", "java_fallback", null, "/c", "/w");
        assertEquals(List.of("executors: 1 ran the shards (1@a); DL4J convolutions native_helper on every one"),
                CampaignRunner.executorSummary(Arrays.asList(fast, fast, null)), "null: a commit from before reports");
        List<String> lines = CampaignRunner.executorSummary(List.of(fast, slow));
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("executors: 2 ran the shards (1@a, 2@b); DL4J convolutions not native_helper on 1", lines.get(0));
        assertTrue(lines.get(1).startsWith("warning: executor 2 on b: convolutions java_fallback, OMP_NUM_THREADS unset;"),
                lines.get(1));
        assertEquals(List.of(), CampaignRunner.executorSummary(List.of()));
    }

    @Test
    void theCostliestLayersAreNamedWithTheirTimePerTrial() {
        List<TargetLayer> layers = List.of(new TargetLayer(0, "conv1", 10, 1f), new TargetLayer(3, "fc", 5, 1f),
                new TargetLayer(7, "logits", 2, 1f));
        List<Trial> trials = new java.util.ArrayList<>();
        long id = 0;
        for (int layer : new int[] {0, 3, 7}) {
            for (int i = 0; i < 4; i++) {
                trials.add(new Trial(id++, 0, layer, 0, 0, 1, layer));
            }
        }
        Shard a = new Shard(0, new int[] {0}, trials.subList(0, 6));
        Shard b = new Shard(1, new int[] {0}, trials.subList(6, 12));
        Map<Integer, ShardStore.Commit> commits = Map.of(
                0, commit(0, Map.of(0, 0.005, 3, 0.001)),
                1, commit(1, Map.of(3, 0.002, 7, 0.002)));
        // conv1: 5 ms over its 4 trials; fc: 1 + 2 ms over 4 (two shards); logits: 2 ms over 4; 10 ms in all.
        assertEquals("engine time on faults 0.0 s; costliest layers: conv1 1.25 ms/trial (50%), fc 0.75 ms/trial"
                + " (30%)", CampaignRunner.layerTimeSummary(layers, List.of(a, b), commits, 2));
        assertEquals(null, CampaignRunner.layerTimeSummary(layers, List.of(a), Map.of(0, commit(0, Map.of())), 5),
                "a commit from before per-layer times has none to show");
    }

    private static ShardStore.Commit commit(int shard, Map<Integer, Double> layerSeconds) {
        return new ShardStore.Commit(shard, 6, 1, 1, Map.of(), List.of(), null, 1, layerSeconds);
    }

    @Test
    void aComputationGraphRunsThroughTheSamePath() throws IOException {
        Path resnet = Fixtures.saveTinyResNet(dir);
        Path output = dir.resolve("run-graph");
        Path conf = Fixtures.config(dir, resnet, output, "trials-per-layer = 10");
        Fixtures.Outcome o = Fixtures.campaign(conf.toString());
        assertEquals(0, o.status(), o.err());
        Dataset<Row> rows = Fixtures.reader().read().parquet(output.resolve("t").resolve("trials").toString());
        long layers = rows.select(TrialColumn.LAYER_NAME.id()).distinct().count();
        // ResNet-8: stem (3 sites) + 3 blocks (7 sites each, 9 with a projection) + pool + logits; not the loss layer.
        assertEquals(3 + 7 + 9 + 9 + 2, layers);
        assertEquals(layers * 10, rows.count());
        assertEquals(1, rows.filter("layer_name = 's2b1_add'").select(TrialColumn.LAYER_INDEX.id()).distinct().count());
        assertEquals(0, rows.filter("architecture != 'resnet8' or target != 'activation'").count());
    }

    @Test
    void anInt8CampaignWithTheRangeDetectorUsesTheProfiledRanges() throws Exception {
        Path zip = Fixtures.saveTinyModel(dir.resolve("int8-model"));
        ModelStore.LoadedModel m = ModelStore.load(zip);
        ImageSet slice = IdxDataset.FASHION_MNIST.load("test", Optional.of(Fixtures.SLICE));
        RangeProfile ranges = RangeProfile.profile(InjectableNetworks.of(m.network()), slice, null, 100, 50,
                m.card().modelId(), m.card().weightsSha256());
        ranges.write(RangeProfile.pathFor(zip));
        Path output = dir.resolve("run-int8");
        Path conf = Fixtures.config(dir, zip, output, "format = int8", "range-detector = true", "trials-per-layer = 40",
                "bits-per-fault = 2");
        Fixtures.Outcome o = Fixtures.campaign(conf.toString());
        assertEquals(0, o.status(), o.err());
        Dataset<Row> rows = Fixtures.reader().read().parquet(output.resolve("t").resolve("trials").toString());
        assertEquals(240, rows.count());
        assertEquals(0, rows.filter("format != 'int8' or bit > 7 or bit_mask >= 256 or not range_detector").count());
        for (RangeProfile.SiteRange site : ranges.sites()) {
            long beyond = rows.filter("layer_index = " + site.index() + " and abs(value_after) > " + site.maxAbs() * 1.0001)
                    .count();
            assertEquals(0, beyond, "values beyond the profiled range of " + site.name());
        }
        assertEquals(0, rows.filter("outcome = 'non_finite'").count(), "the detector removes Inf and NaN");
    }

    @Test
    void aWeightFaultCampaignHitsWeightsOfConvAndDenseLayersOnly() throws IOException {
        Path output = dir.resolve("run-weights");
        Path conf = Fixtures.config(dir, model, output, "target = weights", "trials-per-layer = 30", "bits = [30]");
        Fixtures.Outcome o = Fixtures.campaign(conf.toString());
        assertEquals(0, o.status(), o.err());
        Dataset<Row> rows = Fixtures.reader().read().parquet(output.resolve("t").resolve("trials").toString());
        assertEquals(4 * 30, rows.count(), "conv1, conv2, fc1, logits");
        assertEquals(0, rows.filter("target != 'weight' or layer_name in ('pool1', 'pool2')").count());
        // Bit 30 turns a weight of magnitude in [2^-127, 2) into one of magnitude >= 2^1: some predictions change.
        assertTrue(rows.filter("outcome != 'masked'").count() > 0);
        assertEquals(0, rows.filter("outcome = 'masked' and golden_top1 != faulty_top1").count());
    }

    @Test
    void anExistingCampaignIsNotOverwrittenUnlessAsked() throws IOException {
        Path output = dir.resolve("run-existing");
        Files.createDirectories(output.resolve("t").resolve("trials"));
        Path conf = Fixtures.config(dir, model, output);
        Fixtures.Outcome o = Fixtures.campaign(conf.toString());
        assertEquals(CampaignMain.EXIT_BAD_INPUT, o.status());
        assertTrue(o.err().contains("exists without a manifest"), o.err());
    }
}
