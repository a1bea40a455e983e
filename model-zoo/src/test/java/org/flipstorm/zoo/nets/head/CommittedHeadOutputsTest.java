package org.flipstorm.zoo.nets.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.data.IdxDataset;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.store.ModelStore;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The overflow-safe norm leaves the committed text-guided model's outputs exactly as they were. */
class CommittedHeadOutputsTest {
    @Test
    void theCommittedTextLeNetGivesTheOutputsOfThePlainNormOnItsTestImages() throws Exception {
        Dl4jRuntime.configure();
        ModelStore.LoadedModel m = ModelStore.load(Path.of("models/lenet-fmnist-text.zip"));
        MultiLayerNetwork net = (MultiLayerNetwork) m.network();
        ImageSet images = IdxDataset.FASHION_MNIST.load("test", Optional.of(Path.of("data/fashion-mnist-test-500")));
        INDArray x = images.features(IntStream.range(0, images.size()).toArray(), m.card().inputNormalization());
        java.util.List<INDArray> acts = net.feedForward(x, false);
        int cosine = net.getLayerWiseConfigurations().getConfs().stream().map(c -> c.getLayer().getLayerName()).toList()
                .indexOf("cosine");
        assertTrue(cosine > 0, "the committed model has the split head");
        INDArray features = acts.get(cosine); // input of the cosine layer (acts[k + 1] is layer k's output)
        // The formula before the fix: sqrt(sum x^2 + 1e-12) in float32.
        INDArray plainNorm = Transforms.sqrt(features.mul(features).sum(true, 1).addi(UnitRows.EPS), false);
        assertArrayEquals(plainNorm.data().asFloat(), UnitRows.norms(features).data().asFloat(), 0f);
        INDArray plainCosines = features.divColumnVector(plainNorm)
                .mmul(net.getLayer(cosine).getParam(TextGuidedHeadParams.WEIGHTS).transpose());
        assertArrayEquals(plainCosines.data().asFloat(), acts.get(cosine + 1).data().asFloat(), 0f,
                "cosines of all 500 test images bit for bit as the plain formula gives them");
    }
}
