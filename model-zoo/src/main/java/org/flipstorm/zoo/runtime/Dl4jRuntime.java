package org.flipstorm.zoo.runtime;

import java.util.Locale;
import java.util.Optional;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts DL4J/ND4J on their fast CPU path and reports which path convolutions really take.
 *
 * <p>Two JVM settings matter (both are also passed on every command line FlipStorm writes; this
 * class only fills them in when a JVM was started without them, and only works if it runs before
 * ND4J loads its native library):
 *
 * <ul>
 *   <li>{@value #EXTENSION_PROPERTY} = {@value #ONEDNN_EXTENSION}: load the oneDNN native build;
 *   <li>{@value #HELPERS_PROPERTY} = false: let DL4J layers use the native helpers.
 * </ul>
 */
public final class Dl4jRuntime {
    /** javacpp property that picks the native build variant. */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** The oneDNN native build's extension (needs AVX2). */
    public static final String ONEDNN_EXTENSION = "-onednn-avx2";
    /** DL4J M2.1 keeps native layer helpers off unless this is "false". */
    public static final String HELPERS_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private static final String ONEDNN_LIBRARY =
            "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + ONEDNN_EXTENSION + "/libjnind4jcpu.so";
    private static final Logger LOG = LoggerFactory.getLogger(Dl4jRuntime.class);
    private static volatile ConvolutionPath checked;

    private Dl4jRuntime() {}

    /** Which implementation DL4J convolution layers run. */
    public enum ConvolutionPath {
        /** oneDNN kernels through DL4J's layer helper. */
        NATIVE_HELPER,
        /** DL4J's Java im2col + gemm path (tens of times slower). */
        JAVA_FALLBACK;

        /** Lower-case name, as written to manifests. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Fills in the fast-path JVM settings that the command line did not give. Call it first thing
     * in a {@code main} method; it is a no-op for settings already present.
     */
    public static synchronized void configure() {
        if (System.getProperty(EXTENSION_PROPERTY) == null
                && Dl4jRuntime.class.getClassLoader().getResource(ONEDNN_LIBRARY) != null) {
            System.setProperty(EXTENSION_PROPERTY, ONEDNN_EXTENSION);
        }
        if (System.getProperty(HELPERS_PROPERTY) == null) {
            System.setProperty(HELPERS_PROPERTY, "false");
        }
    }

    /**
     * Starts ND4J's backend (after {@link #configure()}), so that a machine that cannot run it is
     * told in one line what is missing instead of failing later with an
     * {@code ExceptionInInitializerError} and a trace: the commands call it before their work.
     *
     * @throws IllegalArgumentException naming what is missing and how to run on CPU instead
     */
    public static void requireBackend() {
        try {
            Nd4j.getExecutioner();
        } catch (Throwable t) { // ExceptionInInitializerError, UnsatisfiedLinkError: Errors, not Exceptions
            Optional<String> why = backendFailure(t, cudaBuild());
            if (why.isEmpty()) {
                throw t;
            }
            throw new IllegalArgumentException(why.get(), t);
        }
    }

    /** True when this class path has ND4J's CUDA backend (a build made with {@code -Pcuda}). */
    public static boolean cudaBuild() {
        return Dl4jRuntime.class.getClassLoader().getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") != null;
    }

    /**
     * One line saying what is missing when {@code t} is ND4J's backend failing to load (no backend,
     * a native library that would not load), or empty for any other failure.
     */
    public static Optional<String> backendFailure(Throwable t, boolean cuda) {
        String cause = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c.getClass().getName().endsWith("NoAvailableBackendException") || c instanceof UnsatisfiedLinkError
                    || m.contains("libcuda") || m.contains("cudart") || m.contains("No CUDA devices")
                    || m.contains("ND4J is probably missing dependencies")) {
                cause = c.getClass().getSimpleName() + (c.getMessage() == null ? ""
                        : ": " + c.getMessage().lines().findFirst().orElse(""));
            }
        }
        if (cause == null) {
            return Optional.empty();
        }
        return Optional.of(cuda
                ? "ND4J's CUDA backend (this is a -Pcuda build) cannot start on this machine (" + cause + "); it needs"
                        + " an NVIDIA GPU with its driver (libcuda.so.1), the CUDA 11.6 runtime and cuDNN 8.3 (see"
                        + " README, \"GPU (CUDA) build\"); to run on CPU instead, rebuild without -Pcuda:"
                        + " mvn -DskipTests package"
                : "ND4J's native CPU backend cannot load (" + cause + "); the default build needs an x86-64 CPU"
                        + " with AVX2 (oneDNN build): on an older CPU rebuild with mvn -Pplain-cpu -DskipTests package");
    }

    /** The loaded native library's build description (lists ONEDNN when it has it). */
    public static String nativeBuildInfo() {
        // NativeOpsHolder cannot load the library by itself: ND4J's backend loader must run first.
        Nd4j.getExecutioner();
        return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
    }

    /**
     * Which path convolutions take in this JVM, found by running a one-layer convolution once.
     * The answer is logged the first time it is asked.
     */
    public static ConvolutionPath convolutionPath() {
        ConvolutionPath path = checked;
        if (path == null) {
            synchronized (Dl4jRuntime.class) {
                if (checked == null) {
                    checked = probeConvolution();
                    if (checked == ConvolutionPath.NATIVE_HELPER) {
                        LOG.info("DL4J convolutions use the native oneDNN helper");
                    } else {
                        LOG.warn("DL4J convolutions use the slow Java fallback (native build: {}); see"
                                + " README, 'DL4J speed'", nativeBuildInfo().replace('\n', ' '));
                    }
                }
                path = checked;
            }
        }
        return path;
    }

    private static ConvolutionPath probeConvolution() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.IDENTITY).build())
                .layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.output(Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 1, 6, 6));
        return usesNativeHelper(net.getLayer(0))
                ? ConvolutionPath.NATIVE_HELPER
                : ConvolutionPath.JAVA_FALLBACK;
    }

    /** True when this (convolution) layer has a live native helper after a forward pass. */
    public static boolean usesNativeHelper(org.deeplearning4j.nn.api.Layer layer) {
        if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer conv) {
            return conv.getHelper() != null;
        }
        return false;
    }
}
