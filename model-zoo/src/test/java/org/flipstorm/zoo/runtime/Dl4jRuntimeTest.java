package org.flipstorm.zoo.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.nets.LeNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fails when DL4J convolutions fall back to the Java path (the native build lacks oneDNN, the
 * helpers are disabled, or the Nd4jCpu shim stops matching what DL4J looks up).
 */
class Dl4jRuntimeTest {
    @Test
    void convolutionUsesNativeHelper() {
        assumeTrue(Versions.nd4jClassifier().contains("onednn"), "built with the plain (no oneDNN) native build");
        Dl4jRuntime.configure();
        assertTrue(Dl4jRuntime.nativeBuildInfo().contains("HAVE_ONEDNN"), Dl4jRuntime.nativeBuildInfo());
        assertEquals(Dl4jRuntime.ConvolutionPath.NATIVE_HELPER, Dl4jRuntime.convolutionPath());

        MultiLayerNetwork lenet = LeNet.build(LeNet.Options.fashionMnist(1));
        lenet.output(Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28));
        assertTrue(Dl4jRuntime.usesNativeHelper(lenet.getLayer(0)), "conv1 of LeNet runs the native helper");
        assertTrue(Dl4jRuntime.usesNativeHelper(lenet.getLayer(2)), "conv2 of LeNet runs the native helper");
    }
}
