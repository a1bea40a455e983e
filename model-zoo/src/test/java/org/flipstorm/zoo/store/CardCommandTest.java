package org.flipstorm.zoo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.IdxDataset;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.train.CardMeasurements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code card} re-measures a committed model: accuracy, margin, scale and per-layer activation maxima. */
class CardCommandTest {
    @TempDir
    Path dir;

    @Test
    void theTextLeNetsCardGetsItsScaleAndActivationMaximaAndItsWeightsStayAsTheyWere() throws Exception {
        Dl4jRuntime.configure();
        Path slice = Path.of("data/fashion-mnist-test-500");
        Path data = Files.createDirectories(dir.resolve("fmnist"));
        try (var files = Files.list(slice)) {
            for (Path f : files.toList()) {
                Files.copy(f, data.resolve(f.getFileName()));
                // the 500 test images stand in for a training split too
                Files.copy(f, data.resolve(f.getFileName().toString().replace("t10k", "train")));
            }
        }
        Path zip = dir.resolve("m.zip");
        Files.copy(Path.of("models/lenet-fmnist-text.zip"), zip);
        Files.copy(Path.of("models/lenet-fmnist-text.card.json"), ModelStore.cardPath(zip));
        byte[] weights = Files.readAllBytes(zip);
        String sha = ModelStore.load(zip).card().weightsSha256();

        ModelCard card = CardCommand.run("--model", zip.toString(), "--data", data.toString(),
            "--profile-images", "100", "--recipe", "default");
        assertArrayEquals(weights, Files.readAllBytes(zip), "the weights are not rewritten");
        ModelCard back = ModelStore.load(zip).card();
        assertEquals(sha, back.weightsSha256());
        assertEquals("default", back.recipe());
        MultiLayerNetwork net = (MultiLayerNetwork) ModelStore.load(zip).network();
        assertEquals(Math.exp(net.getLayer("logits").getParam("s").getDouble(0)), back.logitScale(), 1e-9);
        assertTrue(back.logitScale() > 1, "a trained scale, well above 1: " + back.logitScale());
        List<String> names = back.activationProfile().layers().stream().map(ModelCard.LayerMax::name).toList();
        assertEquals(List.of("conv1", "pool1", "conv2", "pool2", "fc1", "features", "cosine", "logits", "softmax"), names);
        ImageSet test = IdxDataset.FASHION_MNIST.load("test", Optional.of(slice));
        INDArray x = test.features(IntStream.range(0, 100).toArray(), card.inputNormalization());
        double cosineMax = net.feedForward(x, false).get(7).amaxNumber().doubleValue();
        assertEquals(cosineMax, back.activationProfile().layers().get(6).maxAbs(), 1e-6);
        assertEquals(100, back.activationProfile().images());
        assertEquals(500, back.testImages());
        assertEquals(Datasets.load("fashion-mnist", "test", Optional.of(data)).sha256(),
                back.testSetSha256(), "the card names the images its accuracy is over");
        assertNull(ModelStore.load(Path.of("models/lenet-fmnist-baseline.zip")).card().logitScale());
        assertNull(CardMeasurements.logitScale(ModelStore.load(Path.of("models/lenet-fmnist-baseline.zip")).network()));
    }
}
