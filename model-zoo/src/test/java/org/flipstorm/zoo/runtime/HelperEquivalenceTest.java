package org.flipstorm.zoo.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.data.SeededNoise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native (oneDNN) helper path and DL4J's Java fallback compute the same outputs: same
 * weights, same input, relative difference at most 1e-5. DL4J decides per layer, when the layer is
 * created, whether to use a helper, so two copies of a network built under different settings run
 * the two paths side by side.
 */
class HelperEquivalenceTest {
    private static final double TOLERANCE = 1e-5;

    @BeforeAll
    static void fastPath() {
        assumeTrue(Versions.nd4jClassifier().contains("onednn"), "built with the plain (no oneDNN) native build");
        Dl4jRuntime.configure();
    }

    @AfterEach
    void restoreHelpers() {
        System.setProperty(Dl4jRuntime.HELPERS_PROPERTY, "false");
    }

    private static double relativeDifference(INDArray a, INDArray b) {
        double scale = Math.max(a.amaxNumber().doubleValue(), 1e-12);
        return a.sub(b).amaxNumber().doubleValue() / scale;
    }

    @Test
    void lenetHelperAndFallbackAgree() {
        System.setProperty(Dl4jRuntime.HELPERS_PROPERTY, "true");
        MultiLayerNetwork fallback = LeNet.build(LeNet.Options.fashionMnist(8));
        System.setProperty(Dl4jRuntime.HELPERS_PROPERTY, "false");
        MultiLayerNetwork helper = LeNet.build(LeNet.Options.fashionMnist(9));
        helper.setParams(fallback.params().dup());

        INDArray x = SeededNoise.uniform(new long[] {8, 1, 28, 28}, 17);
        INDArray a = fallback.output(x);
        INDArray b = helper.output(x);
        assertFalse(Dl4jRuntime.usesNativeHelper(fallback.getLayer(0)), "fallback copy has no helper");
        assertTrue(Dl4jRuntime.usesNativeHelper(helper.getLayer(0)), "helper copy uses the native helper");
        assertEquals(0, relativeDifference(fallback.feedForward(x).get(6), helper.feedForward(x).get(6)), TOLERANCE,
                "logits");
        assertEquals(0, relativeDifference(a, b), TOLERANCE, "probabilities");
    }

    @Test
    void resnet20HelperAndFallbackAgree() {
        System.setProperty(Dl4jRuntime.HELPERS_PROPERTY, "true");
        ComputationGraph fallback = ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(8));
        System.setProperty(Dl4jRuntime.HELPERS_PROPERTY, "false");
        ComputationGraph helper = ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(9));
        helper.setParams(fallback.params().dup());

        INDArray x = SeededNoise.uniform(new long[] {4, 3, 32, 32}, 17);
        INDArray a = fallback.feedForward(x, false).get("logits");
        INDArray b = helper.feedForward(x, false).get("logits");
        assertFalse(Dl4jRuntime.usesNativeHelper(fallback.getLayer("s2b1_a_conv")), "fallback copy has no helper");
        assertTrue(Dl4jRuntime.usesNativeHelper(helper.getLayer("s2b1_a_conv")), "helper copy uses the native helper");
        assertEquals(0, relativeDifference(a, b), TOLERANCE, "logits");
    }
}
