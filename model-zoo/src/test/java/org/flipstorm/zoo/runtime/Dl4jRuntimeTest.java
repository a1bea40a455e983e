package org.flipstorm.zoo.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void aBackendThatCannotLoadIsOneLineNamingWhatIsMissing() {
        // The chains ND4J produces (shapes from DL4J's issue tracker): the backend loader finds no
        // usable backend, or the CUDA runtime's native library does not load.
        Throwable noBackend = new ExceptionInInitializerError(new RuntimeException(
                new org.nd4j.linalg.factory.Nd4jBackend.NoAvailableBackendException(
                        "Please ensure that you have an nd4j backend on your classpath.")));
        Throwable noDriver = new ExceptionInInitializerError(new RuntimeException(
                "ND4J is probably missing dependencies.", new UnsatisfiedLinkError(
                        "/tmp/.javacpp/cache/libjnicudart.so: libcuda.so.1: cannot open shared object file")));
        for (Throwable t : java.util.List.of(noBackend, noDriver)) {
            String cuda = Dl4jRuntime.backendFailure(t, true).orElseThrow();
            assertTrue(cuda.contains("libcuda.so.1") && cuda.contains("CUDA 11.6")
                    && cuda.contains("rebuild without -Pcuda"), cuda);
            assertEquals(1, cuda.lines().count(), cuda);
            String cpu = Dl4jRuntime.backendFailure(t, false).orElseThrow();
            assertTrue(cpu.contains("AVX2") && cpu.contains("-Pplain-cpu"), cpu);
        }
        assertTrue(Dl4jRuntime.backendFailure(noDriver, true).orElseThrow().contains("cannot open shared object"),
                "the innermost cause is quoted");
        assertTrue(Dl4jRuntime.backendFailure(new IllegalStateException("a bug"), true).isEmpty(),
                "other failures are not mistaken for a missing backend");
        assertFalse(Dl4jRuntime.cudaBuild(), "this build has the CPU backend");
        Dl4jRuntime.requireBackend(); // starts here
    }
}
