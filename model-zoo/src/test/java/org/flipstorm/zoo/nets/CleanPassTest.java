package org.flipstorm.zoo.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.store.ModelCard;
import org.flipstorm.zoo.store.ModelStore;
import org.flipstorm.zoo.train.CardMeasurements;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Each layer's own output, not the value an in-place ReLU after it leaves behind: a dense layer
 * whose outputs are all negative (weights -1, bias -0.5, inputs >= 0) feeds a ReLU, so
 * {@code feedForward} would report it as all zeros.
 */
class CleanPassTest {
    private static final int IN = 4;

    private static DenseLayer negativeDense() {
        return new DenseLayer.Builder().nIn(IN).nOut(3).activation(Activation.IDENTITY)
                .weightInit(WeightInit.ONES).biasInit(0.5).build();
    }

    private static ComputationGraph graph() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(1, 1, IN))
                .addLayer("fc", negativeDense(), "in")
                .addLayer("relu", new ActivationLayer(Activation.RELU), "fc")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "relu")
                .setOutputs("out").build());
        g.init();
        negate(g.getLayer("fc").paramTable());
        return g;
    }

    private static MultiLayerNetwork stack() {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(negativeDense())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(1, 1, IN)).build());
        n.init();
        negate(n.getLayer(0).paramTable());
        return n;
    }

    private static void negate(Map<String, INDArray> params) {
        params.values().forEach(p -> p.negi());
    }

    /** Two images of IN channels of 1 x 1 pixels, NCHW, so the dense layer's pre-processor runs too. */
    private static INDArray inputs() {
        return Nd4j.create(new float[] {0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f}, new long[] {2, IN, 1, 1}, 'c');
    }

    @Test
    void aLayerFeedingAnInPlaceReluKeepsItsNegativeOutput() {
        for (Model net : List.of(graph(), stack())) {
            Map<String, INDArray> acts = CleanPass.byName(net, inputs());
            List<String> names = List.copyOf(acts.keySet());
            assertEquals(3, names.size(), names.toString());
            INDArray fc = acts.get(names.get(0));
            // Each output is -(sum of the row) - 0.5.
            INDArray want = inputs().sum(1, 2, 3).negi().subi(0.5).reshape(2, 1).repeat(1, 3);
            assertArrayEquals(want.ravel().toFloatVector(), fc.ravel().toFloatVector(), 1e-6f, net.getClass().getSimpleName());
            assertEquals(0.0, acts.get(names.get(1)).maxNumber().doubleValue(), 0.0, "the ReLU of negative values");
            INDArray out = net instanceof ComputationGraph g ? g.outputSingle(inputs())
                    : ((MultiLayerNetwork) net).output(inputs());
            assertArrayEquals(out.ravel().toFloatVector(), acts.get(names.get(2)).ravel().toFloatVector(), 1e-6f,
                    "network output");
        }
    }

    @Test
    void theCardProfileRecordsEachLayersOwnLargestMagnitude() {
        // The same shape as inputs(), read through ImageSet as the card command reads a dataset.
        byte[] px = {0, 64, (byte) 128, (byte) 255, 10, 20, 30, 40};
        ImageSet data = new ImageSet("toy", "test", IN, 1, 1, px, new int[] {0, 1}, 2);
        for (Model net : List.of(graph(), stack())) {
            ModelCard.ActivationProfile profile = CardMeasurements.profile(net, data, null, 2);
            double fcMax = profile.layers().get(0).maxAbs();
            // Largest |output|: image 0, sum (0 + 64 + 128 + 255) / 255 + 0.5.
            assertEquals((0 + 64 + 128 + 255) / 255.0 + 0.5, fcMax, 1e-5, net.getClass().getSimpleName());
            assertEquals(0.0, profile.layers().get(1).maxAbs(), 0.0);
        }
        List<ModelCard.LayerInfo> layers = ModelStore.describeLayers(graph(), inputs());
        assertEquals(List.of("fc", "relu", "out"), layers.stream().map(ModelCard.LayerInfo::name).toList());
        assertEquals(List.of(3L), layers.get(0).outputShape());
    }
}
