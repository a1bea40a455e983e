package org.nd4j.nativeblas;

/**
 * Compatibility shim for DL4J 1.0.0-M2.1's oneDNN helper check. Not FlipStorm API.
 *
 * <p>Why it exists: {@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper#mklDnnEnabled()}
 * decides whether convolution, pooling and batch-norm layers may use the native oneDNN kernels by
 * reflecting on {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()}. ND4J
 * M2.1 moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the
 * method to {@code isUseONEDNN()}, so the lookup throws, DL4J logs "Cannot find class" and every
 * convolution silently takes the Java im2col path (about 28x slower on ResNet-20 here). This class
 * restores the old name and answers from the native library's own build information, so the helpers
 * are used only when the loaded library really contains oneDNN.
 *
 * <p>When to delete it: as soon as FlipStorm moves to a DL4J release whose
 * {@code BaseMKLDNNHelper} looks up the new class name (checked by
 * {@code Dl4jRuntimeTest#convolutionUsesNativeHelper}, which fails if the helper is not active).
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    /** The subset of the old {@code Nd4jCpu.Environment} API that DL4J M2.1 calls. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private final boolean oneDnn;

        private Environment() {
            String info = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
            this.oneDnn = info != null && (info.contains("ONEDNN") || info.contains("MKLDNN"));
        }

        /** Called reflectively by DL4J. */
        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Called reflectively by DL4J: true when the loaded native library links oneDNN. */
        public boolean isUseMKLDNN() {
            return oneDnn;
        }
    }
}
