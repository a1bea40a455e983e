package org.flipstorm.zoo.nets.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The split head (cosine, then scale): exact gradients, same logits as the one-layer head, no overflow. */
class SplitHeadTest {
    private static final float[][] EMBEDDINGS = {{3, 4, 0, 0}, {0, 0, 2, 0}, {1, 1, 1, 1}};

    private static MultiLayerNetwork split(DataType type) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(type).seed(3).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.TANH).build())
                .layer(new CosineHead(EMBEDDINGS))
                .layer(LogitScale.of(3))
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static MultiLayerNetwork oneLayer() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT).seed(3).updater(new NoOp()).weightInit(WeightInit.XAVIER)
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
    void splitLogitsEqualTheOneLayerHeadBitForBitAndItsParametersInTheSameOrder() {
        MultiLayerNetwork split = split(DataType.FLOAT);
        MultiLayerNetwork one = oneLayer();
        one.getLayer(1).getParam("s").assign(1.7);
        split.getLayer(2).getParam("s").assign(1.7);
        split.getLayer(0).setParams(one.getLayer(0).params());
        // Same flat parameter vector: dense W, b, then the rows W, then s.
        assertArrayEquals(one.params().toFloatVector(), split.params().toFloatVector());
        INDArray x = SeededNoise.uniform(new long[] {6, 5}, 4);
        INDArray a = one.feedForward(x, false).get(2);
        INDArray b = split.feedForward(x, false).get(3);
        assertArrayEquals(a.data().asFloat(), b.data().asFloat(), 0f);
    }

    @Test
    void gradientsOfRowsScaleAndInputMatchFiniteDifferences() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MultiLayerNetwork net = split(DataType.DOUBLE);
            INDArray x = SeededNoise.uniform(new long[] {4, 5}, 7).castTo(DataType.DOUBLE);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, 4, 3);
            for (int i = 0; i < 4; i++) {
                y.putScalar(i, i % 3, 1.0);
            }
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x)
                    .labels(y).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)));
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void aHugeFeatureGivesTheExactCosineInsteadOfAUniformOutput() {
        // Features (1e30, 1, 0, 0): the float32 sum of squares overflows; exact cosines with the rows
        // (0.6, 0.8, 0, 0), (0, 0, 1, 0), (0.5, 0.5, 0.5, 0.5) are 0.6, 0, 0.5 up to 1e-30.
        INDArray f = Nd4j.createFromArray(new float[][] {{1e30f, 1f, 0f, 0f}, {3f, 4f, 0f, 0f}});
        MultiLayerNetwork net = split(DataType.FLOAT);
        INDArray cos = net.getLayer(1).activate(f, false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        assertArrayEquals(new float[] {0.6f, 0f, 0.5f}, cos.getRow(0).toFloatVector(), 1e-6f);
        assertEquals(0, Nd4j.argMax(cos.getRow(0)).getInt(0), "exact arithmetic makes class 0 the top-1");
        assertArrayEquals(new float[] {1f, 0f, 0.7f}, cos.getRow(1).toFloatVector(), 1e-6f, "ordinary row as before");
        // Before the fix the same input gave all-zero cosines, a uniform output decided by index order.
        INDArray plainNorm = org.nd4j.linalg.ops.transforms.Transforms.sqrt(f.mul(f).sum(true, 1), false);
        assertTrue(Float.isInfinite(plainNorm.getFloat(0)), "the naive norm really overflows here");
        MultiLayerNetwork one = oneLayer();
        INDArray logits = one.getLayer(1).activate(f, false,
                org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        assertEquals(0.6 / 0.07, logits.getDouble(0, 0), 1e-4, "the kept one-layer head is fixed too");
    }

    @Test
    void tinyFeaturesAreNotFlattenedByUnderflowButZeroStaysFinite() {
        INDArray f = Nd4j.createFromArray(new float[][] {{3e-30f, 4e-30f, 0f, 0f}, {0f, 0f, 0f, 0f}});
        INDArray n = UnitRows.norms(f);
        assertEquals(5e-30, n.getDouble(0, 0), 1e-36);
        assertTrue(n.getDouble(1, 0) > 0 && Double.isFinite(n.getDouble(1, 0)));
    }
}
