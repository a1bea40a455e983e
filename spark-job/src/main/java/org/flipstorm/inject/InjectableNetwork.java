package org.flipstorm.inject;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network seen as a list of fault sites (the outputs of its layers or graph vertices), in an
 * order where every site comes after the sites it reads, addressable by index or name.
 *
 * <p>Implementations are not thread-safe (DL4J layers keep their last input): one per thread.
 */
public interface InjectableNetwork {
    /** The wrapped DL4J model. */
    Model model();

    /** Number of sites. */
    int size();

    /** Site names, in site order. */
    List<String> names();

    /** The index of the site named {@code name}, or -1. */
    default int indexOf(String name) {
        return names().indexOf(name);
    }

    /**
     * True for a site that campaigns target by default: every site except a parameter-free loss
     * layer at the end (its output is softmax probabilities, not an activation).
     */
    boolean isDefaultTarget(int site);

    /**
     * True for a site GoldenEye hooks: the output of a convolution (any DL4J
     * {@code ConvolutionLayer}: 2-D, 1-D, depthwise, separable) or of a dense layer, before batch
     * norm and activation only when those are separate layers (as in the zoo's graphs), and the
     * text-guided head's pre-scale {@code CosineHead}. Batch norm, activations, adds, pooling, the
     * logit scale and loss layers are not sites.
     */
    default boolean isGoldenEyeSite(int site) {
        org.deeplearning4j.nn.api.Layer l = layer(site);
        if (l == null) {
            return false;
        }
        org.deeplearning4j.nn.conf.layers.Layer conf = l.conf().getLayer();
        return conf instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer
                || conf instanceof org.deeplearning4j.nn.conf.layers.DenseLayer
                || conf instanceof org.flipstorm.zoo.nets.head.CosineHead;
    }

    /** True when the site is a layer with trainable parameters (convolution, dense, batch norm). */
    boolean hasParameters(int site);

    /** The DL4J layer behind a site, or null for a site that is not a layer (an add vertex, say). */
    org.deeplearning4j.nn.api.Layer layer(int site);

    /** The network output for {@code input} (inference mode). */
    INDArray output(INDArray input);

    /** Clean pass over {@code input} that keeps every site's output. */
    GoldenPass golden(INDArray input);

    /** The network output in {@code golden}, one row per image. */
    default INDArray goldenOutput(GoldenPass golden) {
        return golden.activations()[size() - 1];
    }

    /**
     * The network output when the output of {@code site} is replaced by {@code siteOutput} (a batch
     * of rows). Everything that does not depend on {@code site} takes its value from
     * {@code golden}: row r of the batch reads image {@code rowImages[r]} of the golden pass.
     */
    INDArray suffix(int site, INDArray siteOutput, GoldenPass golden, int[] rowImages);

    /**
     * As {@link #suffix(int, INDArray, GoldenPass, int[])}, with early masking: a faulty row whose
     * perturbed value is zeroed or ignored on its way (a ReLU, a max-pool) before it spreads is
     * dropped from the batch, and its output is its clean row's.
     *
     * @param cleanOf for each row, the row of its clean copy in the batch, -1 for a clean row, or -2
     *     for a faulty row whose clean copy is its image in {@code golden} (its output, when dropped,
     *     is then the golden pass's)
     * @param neuronOf for each faulty row, the flat per-image index of its perturbed value
     */
    INDArray suffix(int site, INDArray siteOutput, GoldenPass golden, int[] rowImages, int[] cleanOf, long[] neuronOf);

    /**
     * The network output for every image of {@code golden} when {@code site} itself and everything
     * downstream of it are recomputed (with the current weights) from golden inputs: what a
     * weight fault in the site's layer needs, without re-running the layers before it.
     */
    INDArray rerunFrom(int site, GoldenPass golden);

    /**
     * True when {@link #suffixOfPoints} can follow a one-value fault at {@code site} through a
     * window of the maps downstream (its cone of influence) instead of whole maps.
     */
    default boolean hasCone(int site, GoldenPass golden) {
        return false;
    }

    /**
     * The network output, one row per fault, when value {@code neuronOf[r]} (flat, per image) of
     * image {@code rowImages[r]}'s output at {@code site} is {@code values[r]}: only the cone of
     * influence of each value is recomputed, and a fault whose perturbation provably vanishes on
     * the way is dropped (its output is the golden one, counted in {@link #rowsMaskedEarly()}).
     * Equal to {@link #suffix(int, INDArray, GoldenPass, int[])} up to the rounding of the kernels.
     *
     * @throws IllegalArgumentException when {@link #hasCone} is false for the site
     */
    default INDArray suffixOfPoints(int site, GoldenPass golden, int[] rowImages, long[] neuronOf, float[] values) {
        throw new IllegalArgumentException("this network has no cone-of-influence suffix");
    }

    /** Faulty rows that early masking has dropped so far in this instance. */
    long rowsMaskedEarly();
}
