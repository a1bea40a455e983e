package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.schema.TrialColumn;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.store.ImportCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model exported by PyTorch to ONNX, imported with {@code import}, runs a campaign like a zoo model. */
class ImportedModelCampaignTest {
    @TempDir
    static Path dir;

    @AfterAll
    static void tearDown() {
        Fixtures.stopReader();
    }

    @Test
    void aClassFolderTreeOfPngsRunsACampaignLabelledByItsFolders() throws Exception {
        Dl4jRuntime.configure();
        Path model = Fixtures.saveTinyModel(dir);
        org.flipstorm.zoo.data.ImageSet slice = org.flipstorm.zoo.data.Datasets.load("fashion-mnist", "test",
                java.util.Optional.of(Fixtures.SLICE));
        // one image per class, written in label order: round-robin reads them back in the same order
        int[] firstOfClass = new int[10];
        java.util.Arrays.fill(firstOfClass, -1);
        for (int i = 0; i < slice.size(); i++) {
            if (firstOfClass[slice.label(i)] < 0) {
                firstOfClass[slice.label(i)] = i;
            }
        }
        byte[] pixels = new byte[10 * 784];
        for (int c = 0; c < 10; c++) {
            System.arraycopy(slice.pixels(), firstOfClass[c] * 784, pixels, c * 784, 784);
        }
        org.flipstorm.zoo.data.ImageSet ordered = new org.flipstorm.zoo.data.ImageSet("fashion-mnist", "test", 1, 28,
                28, pixels, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10);
        Path root = dir.resolve("folder-images");
        org.flipstorm.zoo.data.FolderDataset.writePngs(ordered,
                org.flipstorm.zoo.store.ModelStore.load(model).card().classNames(), 10, root.resolve("test"));

        Fixtures.Outcome o = Fixtures.campaign(Fixtures.config(dir, model, dir.resolve("folder"),
                "images { dataset = folder, path = \"" + root + "\", split = test, count = 10 }",
                "sampling { eligible = all }").toString());
        assertEquals(0, o.status(), o.err());
        Dataset<Row> rows = Fixtures.reader().read().parquet(dir.resolve("folder/t/trials").toString());
        assertEquals(300, rows.count());
        // the label column is the folder's class, and each trial's image carries its class's label
        assertEquals(0, rows.filter("label != image_index").count(), "image i of the round robin is class i");
    }

    @Test
    void anImportedOnnxModelRunsACampaignOnItsOwnLayerNames() throws Exception {
        Dl4jRuntime.configure();
        Path model = dir.resolve("zoo/tiny-mobilenet.zip");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Cli.execute(new ImportCommand(), new String[] {"--model",
                "../model-zoo/src/test/resources/onnx/tiny-mobilenet.onnx", "--out", model.toString(), "--dataset",
                "fashion-mnist", "--data", Fixtures.SLICE.toString(), "--architecture", "tiny-mobilenet"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));

        Fixtures.Outcome o = Fixtures.campaign(Fixtures.config(dir, model, dir.resolve("out"),
                "sampling { eligible = all }").toString());
        assertEquals(0, o.status(), o.err());
        Dataset<Row> rows = Fixtures.reader().read().parquet(dir.resolve("out/t/trials").toString());
        List<String> layers = rows.select(TrialColumn.LAYER_NAME.id()).distinct().orderBy(TrialColumn.LAYER_NAME.id())
                .collectAsList().stream().map(r -> r.getString(0)).toList();
        List<String> expected = org.flipstorm.zoo.store.ModelStore.load(model).card().layers().stream()
                .map(l -> l.name()).filter(n -> !n.equals("softmax")).sorted().toList();
        assertEquals(expected, layers, "every site but the loss layer, under the exporter's names");
        assertTrue(layers.containsAll(List.of("stem.stem.0.Conv", "dw.dw.0.Conv", "avg.AveragePool", "Concat",
                "flat_fc.Gemm")), layers.toString());
        assertEquals(50L * layers.size(), rows.count());
        assertEquals(0, rows.filter("architecture != 'tiny-mobilenet'").count());
        assertTrue(rows.filter("outcome = 'sdc'").count() > 0, "some flips change the class");
    }
}
