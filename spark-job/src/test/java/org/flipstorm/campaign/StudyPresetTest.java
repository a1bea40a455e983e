package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import java.util.Optional;
import org.flipstorm.inject.InjectableNetworks;
import org.flipstorm.inject.RangeProfile;
import org.flipstorm.zoo.data.IdxDataset;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.store.ModelStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study presets on the committed text-guided LeNet: sites, detector, INT8 model and images as the study's tools. */
class StudyPresetTest {
    private static final Path MODEL = Path.of("../model-zoo/models/lenet-fmnist-text.zip").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @AfterAll
    static void tearDown() {
        Fixtures.stopReader();
    }

    private Dataset<Row> run(String preset) {
        return run(preset, MODEL, 40);
    }

    private Dataset<Row> run(String preset, Path model, int trialsPerLayer) {
        Fixtures.Outcome o = Fixtures.campaign("../conf/study-" + preset + ".conf", "--set", "campaign.model=" + model,
                "--set", "campaign.images.path=" + Fixtures.SLICE, "--set", "campaign.trials-per-layer=" + trialsPerLayer,
                "--set", "campaign.output=" + dir, "--set", "campaign.name=" + preset,
                "--set", "campaign.images-per-shard=50");
        assertEquals(0, o.status(), o.err());
        return Fixtures.reader().read().parquet(dir.resolve(preset).resolve("trials").toString());
    }

    @Test
    void goldenEyePresetHitsConvAndDenseOutputsAndThePreScaleHeadThroughItsDetector() throws Exception {
        Dataset<Row> rows = run("goldeneye");
        assertEquals(200, rows.count(), "5 sites x 40");
        Set<String> layers = new TreeSet<>(rows.select("layer_name").distinct().as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertEquals(new TreeSet<>(List.of("conv1", "conv2", "fc1", "features", "cosine")), layers);
        RangeProfile ranges = RangeProfile.read(RangeProfile.pathFor(MODEL));
        Sampling s = new Sampling(Sampling.Target.TRIALS, 0.01, 0.95, Sampling.Groups.LAYER,
                Sampling.Eligible.CORRECT_MARGIN, false, 200, 1.5, 0.2, 9001);
        Set<Integer> split = new TreeSet<>();
        for (int i : s.heldOut(500)) {
            split.add(i);
        }
        assertEquals(100, split.size(), "a seeded 20% of the 500 images");
        for (Row r : rows.collectAsList()) {
            assertEquals("goldeneye", r.getAs("range_detector_mode"));
            float max = ranges.maxAbs(r.<Integer>getAs("layer_index"));
            float after = r.getAs("value_after");
            assertTrue(Math.abs(after) <= max, "detector bounds " + after + " by " + max);
            assertTrue(split.contains(r.<Integer>getAs("image_index")), "image outside the held-out split");
            assertEquals((int) r.<Integer>getAs("label"), (int) r.<Integer>getAs("golden_top1"));
            assertTrue(r.<Float>getAs("golden_top2diff") > 0);
        }
    }

    /**
     * A vision transformer with the cosine head (a two-block ViT of the zoo's builder, untrained)
     * through both presets that need a range profile: the sites GoldenEye hooks in a transformer
     * (the patch convolution, the Q, K, V, attention output and MLP projections of every block, the
     * head's projection and its pre-scale cosine), values bounded by the detector, INT8 on its grid.
     */
    @Test
    void aVisionTransformerRunsThroughTheGoldenEyeAndInt8Presets() throws Exception {
        Path vit = Fixtures.saveTinyVit(dir.resolve("vit"));
        ModelStore.LoadedModel m = ModelStore.load(vit);
        ImageSet slice = IdxDataset.FASHION_MNIST.load("test", Optional.of(Fixtures.SLICE));
        RangeProfile.profile(InjectableNetworks.of(m.network()), slice, null, 500, 100, m.card().modelId(),
                m.card().weightsSha256()).write(RangeProfile.pathFor(vit));
        RangeProfile ranges = RangeProfile.read(RangeProfile.pathFor(vit));

        Dataset<Row> rows = run("goldeneye", vit, 8);
        Set<String> layers = new TreeSet<>(rows.select("layer_name").distinct().as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList());
        Set<String> expected = new TreeSet<>(List.of("patch", "text_proj", "cosine"));
        for (String block : List.of("b1", "b2")) {
            for (String site : List.of("_q", "_k", "_v", "_proj", "_fc1", "_fc2")) {
                expected.add(block + site);
            }
        }
        assertEquals(expected, layers);
        assertEquals(expected.size() * 8L, rows.count());
        for (Row r : rows.collectAsList()) {
            float after = r.getAs("value_after");
            assertTrue(Math.abs(after) <= ranges.maxAbs(r.<Integer>getAs("layer_index")), "detector bounds " + after);
            assertEquals("vit_tiny", r.getAs("architecture"));
        }

        Dataset<Row> int8 = run("int8", vit, 8);
        assertEquals(expected.size() * 8L, int8.count());
        for (Row r : int8.collectAsList()) {
            double q = r.<Float>getAs("value_after") / (ranges.maxAbs(r.<Integer>getAs("layer_index")) / 128.0);
            assertEquals(Math.rint(q), q, 1e-3, "value_after on the int8 grid");
        }
    }

    @Test
    void int8PresetWritesPyTorchFiValuesOnItsGridOfMaxOver128() throws Exception {
        Dataset<Row> rows = run("int8");
        RangeProfile ranges = RangeProfile.read(RangeProfile.pathFor(MODEL));
        for (Row r : rows.collectAsList()) {
            assertEquals("int8-pytorchfi", r.getAs("format"));
            int bit = r.getAs("bit");
            assertTrue(bit >= 0 && bit < 8, "bit " + bit);
            double step = ranges.maxAbs(r.<Integer>getAs("layer_index")) / 128.0;
            double q = r.<Float>getAs("value_after") / step;
            assertEquals(Math.rint(q), q, 1e-3, "value_after on the int8 grid");
            assertTrue(q >= -128 && q <= 127, "q " + q);
        }
    }
}
