package org.flipstorm.zoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.flipstorm.zoo.data.SeededNoise;
import org.flipstorm.zoo.nets.head.TextGuidedHead;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.MapSchedule;

/** The pieces of {@code --recipe study}: classical momentum, step schedule, decay on every parameter. */
class StudyRecipeTest {
    private static final double LR = 0.1;
    private static final double WD = 0.05;

    private static ComputationGraph net() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(5).updater(new MomentumSgd(LR, 0.9)).weightInit(WeightInit.XAVIER)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(6))
                .addLayer("fc", new DenseLayer.Builder().nOut(4).biasInit(0.3).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().beta(0.2).gamma(1.5).build(), "fc")
                .addLayer("logits", new TextGuidedHead(new float[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 1}}), "bn")
                .addLayer("out", new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build(), "logits")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    private static DataSet data() {
        INDArray x = SeededNoise.uniform(new long[] {8, 6}, 11).castTo(DataType.DOUBLE);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 8, 3);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        return new DataSet(x, y);
    }

    /** A 1D convolution (the ViT's projections are ones of kernel 1), pooled into a dense head. */
    private static ComputationGraph conv1dNet() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(5).updater(new MomentumSgd(LR, 0.9)).weightInit(WeightInit.XAVIER)
                .graphBuilder().addInputs("in").setInputTypes(InputType.recurrent(3, 5))
                .addLayer("conv", new Convolution1DLayer.Builder().kernelSize(2).nOut(4).biasInit(0.3)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("logits", new DenseLayer.Builder().nOut(3).biasInit(0.3).activation(Activation.IDENTITY)
                        .build(), "pool")
                .addLayer("out", new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build(), "logits")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    @Test
    void decayReachesEveryTrainedParameterIncludingBatchNormAndTheScaleButNotRunningStatistics() {
        assertDecayed(StudyRecipeTest::net, data(), List.of("fc_W", "fc_b", "bn_gamma", "bn_beta", "logits_W",
                "logits_s"));
    }

    @Test
    void decayReachesA1dConvolutionWhoseGradientViewHasAnotherRankThanItsWeights() {
        INDArray x = SeededNoise.uniform(new long[] {8, 3, 5}, 12).castTo(DataType.DOUBLE);
        assertDecayed(StudyRecipeTest::conv1dNet, new DataSet(x, data().getLabels()),
                List.of("conv_b", "conv_W", "logits_W", "logits_b"));
    }

    private static void assertDecayed(java.util.function.Supplier<ComputationGraph> build, DataSet ds,
                                      List<String> expectTrained) {
        ComputationGraph decayed = build.get();
        ComputationGraph plain = build.get();
        Map<String, INDArray> before = Map.copyOf(copy(decayed.paramTable()));
        decayed.setListeners(new DecayAllParameters(WD));
        decayed.fit(ds);
        plain.fit(ds);
        List<String> trained = DecayAllParameters.decayedParameters(decayed);
        assertEquals(expectTrained, trained);
        for (Map.Entry<String, INDArray> p : decayed.paramTable().entrySet()) {
            INDArray diff = p.getValue().sub(plain.paramTable().get(p.getKey()));
            if (trained.contains(p.getKey())) {
                // First step: velocity = g + wd p0, so the decayed net moved lr * wd * p0 further.
                INDArray expected = before.get(p.getKey()).mul(-LR * WD);
                assertArrayEquals(expected.ravel().toDoubleVector(), diff.ravel().toDoubleVector(), 1e-9, p.getKey());
                assertTrue(expected.amaxNumber().doubleValue() > 0, p.getKey() + " was zero, so the check is void");
            } else {
                assertEquals(0, diff.amaxNumber().doubleValue(), 0, p.getKey() + " is not trained; must not decay");
            }
        }
    }

    @Test
    void momentumIsClassicalNotNesterov() {
        MomentumSgd config = new MomentumSgd(0.5, 0.9);
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, 2);
        GradientUpdater<MomentumSgd> u = config.instantiate(state, true);
        INDArray g1 = Nd4j.createFromArray(1.0, -2.0).reshape(1, 2);
        u.applyUpdater(g1, 0, 0);
        assertArrayEquals(new double[] {0.5, -1.0}, g1.toDoubleVector(), 1e-12);
        INDArray g2 = Nd4j.createFromArray(3.0, 1.0).reshape(1, 2);
        u.applyUpdater(g2, 1, 0);
        // v = 0.9 * (1, -2) + (3, 1) = (3.9, -0.8); step = 0.5 v. Nesterov would give 0.5 (0.9 v + g).
        assertArrayEquals(new double[] {1.95, -0.4}, g2.toDoubleVector(), 1e-12);
    }

    @Test
    void momentumSurvivesJsonLikeEveryDl4jUpdater() throws java.io.IOException {
        ComputationGraph g = net();
        ComputationGraph back = ComputationGraph.load(saveToTemp(g), true);
        assertEquals(g.getConfiguration().toJson(), back.getConfiguration().toJson());
        assertTrue(back.getConfiguration().toJson().contains(MomentumSgd.class.getName()));
    }

    @Test
    void stepScheduleDividesAtHalfAndThreeQuartersOfTheRun() {
        int[] at = StepSchedules.milestoneEpochs("0.5,0.75", 60);
        assertArrayEquals(new int[] {30, 45}, at);
        MapSchedule s = StepSchedules.atEpochs(0.1, 0.1, at, 391);
        assertEquals(0.1, s.valueAt(30 * 391 - 1, 0), 1e-15);
        assertEquals(0.01, s.valueAt(30 * 391, 0), 1e-15);
        assertEquals(0.001, s.valueAt(45 * 391, 0), 1e-15);
        assertEquals(0.001, s.valueAt(60 * 391 - 1, 0), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StepSchedules.milestoneEpochs("0.75,0.5", 60));
        assertTrue(e.getMessage().contains("increasing"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StepSchedules.milestoneEpochs("0.5,x", 60));
    }

    @Test
    void randomRowsAreSeededUnitVectors() {
        float[][] a = RandomRows.unitGaussian(10, 384, 42);
        float[][] b = RandomRows.unitGaussian(10, 384, 42);
        float[][] c = RandomRows.unitGaussian(10, 384, 43);
        for (int r = 0; r < 10; r++) {
            assertArrayEquals(a[r], b[r]);
            double n = 0;
            for (float v : a[r]) {
                n += v * v;
            }
            assertEquals(1, n, 1e-5);
        }
        assertTrue(a[0][0] != c[0][0]);
    }

    private static java.io.File saveToTemp(ComputationGraph g) {
        try {
            java.io.File f = java.io.File.createTempFile("momentum", ".zip");
            f.deleteOnExit();
            g.save(f, true);
            return f;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> m) {
        Map<String, INDArray> out = new java.util.HashMap<>();
        m.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }
}
