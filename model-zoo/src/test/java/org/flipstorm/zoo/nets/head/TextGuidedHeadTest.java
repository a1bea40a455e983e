package org.flipstorm.zoo.nets.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.flipstorm.zoo.data.SeededNoise;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class TextGuidedHeadTest {
    private static final float[][] EMBEDDINGS = {{3, 4, 0, 0}, {0, 0, 2, 0}, {1, 1, 1, 1}};

    private static MultiLayerNetwork net(DataType type) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(type).seed(3).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.TANH).build())
                .layer(new TextGuidedHead(EMBEDDINGS))
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void rowsStartAsTheNormalisedEmbeddingsAndTheScaleAsClipsTemperature() {
        MultiLayerNetwork net = net(DataType.FLOAT);
        INDArray w = net.getLayer(1).getParam(TextGuidedHeadParams.WEIGHTS);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0}, w.getRow(0).toFloatVector(), 1e-6f);
        assertArrayEquals(new float[] {0, 0, 1, 0}, w.getRow(1).toFloatVector(), 1e-6f);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, w.getRow(2).toFloatVector(), 1e-6f);
        assertEquals(Math.log(1 / 0.07), net.getLayer(1).getParam(TextGuidedHeadParams.LOG_SCALE).getDouble(0), 1e-6);
    }

    @Test
    void forwardIsScaledCosineBetweenFeaturesAndRows() {
        MultiLayerNetwork net = net(DataType.FLOAT);
        INDArray x = SeededNoise.uniform(new long[] {3, 5}, 2);
        INDArray features = net.feedForwardToLayer(0, x, false).get(1);
        INDArray logits = net.feedForwardToLayer(1, x, false).get(2);
        for (int n = 0; n < 3; n++) {
            INDArray f = features.getRow(n);
            for (int c = 0; c < 3; c++) {
                INDArray row = net.getLayer(1).getParam(TextGuidedHeadParams.WEIGHTS).getRow(c);
                double cos = f.mul(row).sumNumber().doubleValue() / f.norm2Number().doubleValue();
                assertEquals(cos / 0.07, logits.getDouble(n, c), 1e-4, "image " + n + " class " + c);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MultiLayerNetwork net = net(DataType.DOUBLE);
            INDArray x = SeededNoise.uniform(new long[] {4, 5}, 7).castTo(DataType.DOUBLE);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, 4, 3);
            for (int i = 0; i < 4; i++) {
                y.putScalar(i, i % 3, 1.0);
            }
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x)
                    .labels(y).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
            assertTrue(ok, "gradients of the head (W and s) and the layer below match finite differences");
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void badEmbeddingsAndAMismatchedBackboneAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TextGuidedHead(new float[][] {{1, 0}, {0, 0}}));
        assertThrows(IllegalArgumentException.class, () -> new TextGuidedHead(new float[][] {{1, 0}, {0, 1, 2}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralNetConfiguration.Builder()
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(6).build())
                .layer(new TextGuidedHead(EMBEDDINGS))
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(5))
                .build());
        assertTrue(e.getMessage().contains("gives 6 features but the class embeddings have 4"), e.getMessage());
    }

    @Test
    void theHeadSurvivesJsonRoundTrip() {
        MultiLayerNetwork net = net(DataType.FLOAT);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        assertEquals(net.getLayerWiseConfigurations().getConf(1).getLayer(), back.getConf(1).getLayer());
    }
}
