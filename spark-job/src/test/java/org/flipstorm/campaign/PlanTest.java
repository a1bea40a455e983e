package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.flipstorm.zoo.data.IdxDataset;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.store.ModelStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan: eligible images are exactly the correctly classified ones, and {@code plan} prints it. */
class PlanTest {
    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void setUp() throws Exception {
        Dl4jRuntime.configure();
        model = Fixtures.saveTinyModel(dir);
    }

    @Test
    void trialsHitOnlyImagesTheCleanModelClassifiesCorrectly() throws Exception {
        PreparedCampaign p = PreparedCampaign.of(CampaignMain.parse(new String[] {
            Fixtures.config(dir, model, dir.resolve("out")).toString()}));
        ModelStore.LoadedModel m = ModelStore.load(model);
        ImageSet images = IdxDataset.FASHION_MNIST.load("test", java.util.Optional.of(Fixtures.SLICE));
        long[] top1 = org.flipstorm.zoo.train.Evaluation.output(m.network(),
                images.features(java.util.stream.IntStream.range(0, 40).toArray())).argMax(1).toLongVector();
        Set<Integer> correct = java.util.stream.IntStream.range(0, 40).filter(i -> top1[i] == images.label(i)).boxed()
                .collect(Collectors.toSet());
        assertEquals(correct, Arrays.stream(p.eligibleImages()).boxed().collect(Collectors.toSet()));
        assertTrue(correct.size() < 40, "the tiny model gets some wrong, so the filter is exercised");
        for (Shard s : p.shards()) {
            for (Trial t : s.trials()) {
                assertTrue(correct.contains(t.imageIndex()), "trial on misclassified image " + t);
            }
        }
    }

    @Test
    void planPrintsGroupsTotalsAndACalibratedEstimateWithoutRunning() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path conf = Fixtures.config(dir, model, dir.resolve("plan-out"), "sampling { target = margin, margin = 0.05 }");
        int status = PlanMain.run(new String[] {conf.toString(), "--calibrate", "40"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed);
        assertTrue(printed.contains("+-5.00% at 95% confidence"), printed);
        assertTrue(printed.contains("logits") && printed.contains("total: "), printed);
        assertTrue(printed.contains("calibration: 40 trials"), printed);
        assertTrue(java.nio.file.Files.notExists(dir.resolve("plan-out")), "plan writes nothing");
    }
}
