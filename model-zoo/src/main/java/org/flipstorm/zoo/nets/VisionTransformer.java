package org.flipstorm.zoo.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.flipstorm.zoo.nets.vit.LayerNorm;
import org.flipstorm.zoo.nets.vit.MultiHeadAttention;
import org.flipstorm.zoo.nets.vit.TokenEmbedding;
import org.nd4j.linalg.activations.Activation;

/**
 * A small vision transformer (Dosovitskiy et al., ICLR 2021) in ViT-Ti's shape, scaled to 28x28
 * and 32x32 images: a patch embedding (a {@code patch x patch} convolution with stride = patch,
 * {@code patch}), tokens plus a learned position embedding ({@code embed}), {@value #DEPTH}
 * pre-norm blocks and a final layer norm ({@code norm}), then the mean over the tokens
 * ({@code pool}) instead of a class token, and the zoo's heads.
 *
 * <p>Block {@code bN} (N = 1..{@value #DEPTH}): {@code bN_ln1} (layer norm), {@code bN_q},
 * {@code bN_k}, {@code bN_v} (the projections), {@code bN_attn} ({@value #HEADS}-head scaled
 * dot-product attention), {@code bN_proj} (output projection), {@code bN_add1} (residual),
 * {@code bN_ln2}, {@code bN_fc1}, {@code bN_gelu}, {@code bN_fc2}, {@code bN_add2}. Every projection
 * and MLP layer is DL4J's {@code Convolution1DLayer} with kernel 1 over {@code [batch, features,
 * tokens]}: a dense layer applied to each token, with the batch kept as the first dimension (a
 * {@code DenseLayer} would fold the tokens into it), so each is a fault site of its own, and a
 * GoldenEye site as PyTorch's {@code nn.Linear} is.
 *
 * <p>Widths: {@value #WIDTH} features, {@value #HEADS} heads of {@value #WIDTH}/{@value #HEADS}, an
 * MLP of {@value #MLP}; 138,890 parameters with the baseline head on 28x28x1 and 10 classes.
 */
public final class VisionTransformer {
    /** Architecture id of the zoo's ViT-tiny. */
    public static final String VIT_TINY = "vit_tiny";
    /** Token features. */
    public static final int WIDTH = 64;
    /** Transformer blocks. */
    public static final int DEPTH = 4;
    /** Attention heads per block. */
    public static final int HEADS = 4;
    /** Hidden units of each block's MLP. */
    public static final int MLP = 128;
    /** Patch side in pixels. */
    public static final int PATCH = 4;

    private VisionTransformer() {}

    /** ViT-tiny with the head and training settings of {@code spec}. */
    public static ComputationGraph vitTiny(NetSpec spec) {
        return build(spec, PATCH, WIDTH, DEPTH, HEADS, MLP);
    }

    /**
     * Builds and initialises a ViT.
     *
     * @throws IllegalArgumentException if the image is not a whole number of patches or the width
     *     not a multiple of the heads
     */
    public static ComputationGraph build(NetSpec spec, int patch, int width, int depth, int heads, int mlp) {
        if (patch < 1 || spec.height() % patch != 0 || spec.width() % patch != 0) {
            throw new IllegalArgumentException("input " + spec.height() + "x" + spec.width() + " is not a whole number"
                    + " of " + patch + "x" + patch + " patches");
        }
        if (heads < 1 || width % heads != 0 || depth < 1 || mlp < 1) {
            throw new IllegalArgumentException("width " + width + ", " + heads + " heads, depth " + depth + ", MLP "
                    + mlp + ": expected positive sizes with the width a multiple of the heads");
        }
        int tokens = (spec.height() / patch) * (spec.width() / patch);
        ComputationGraphConfiguration.GraphBuilder g = spec.graphBuilder();
        g.addLayer("patch", new ConvolutionLayer.Builder(patch, patch).stride(patch, patch).nOut(width)
                        .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build(), "input")
                .addLayer("embed", TokenEmbedding.of(width, tokens), "patch");
        String x = "embed";
        for (int b = 1; b <= depth; b++) {
            x = block(g, "b" + b, x, width, heads, mlp);
        }
        g.addLayer("norm", LayerNorm.of(width), x)
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "norm");
        Heads.attach(g, "pool", spec);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static String block(ComputationGraphConfiguration.GraphBuilder g, String name, String in, int width,
                                int heads, int mlp) {
        g.addLayer(name + "_ln1", LayerNorm.of(width), in)
                .addLayer(name + "_q", perToken(width), name + "_ln1")
                .addLayer(name + "_k", perToken(width), name + "_ln1")
                .addLayer(name + "_v", perToken(width), name + "_ln1")
                .addVertex(name + "_attn", new MultiHeadAttention(heads), name + "_q", name + "_k", name + "_v")
                .addLayer(name + "_proj", perToken(width), name + "_attn")
                .addVertex(name + "_add1", new ElementWiseVertex(ElementWiseVertex.Op.Add), in, name + "_proj")
                .addLayer(name + "_ln2", LayerNorm.of(width), name + "_add1")
                .addLayer(name + "_fc1", perToken(mlp), name + "_ln2")
                .addLayer(name + "_gelu", new ActivationLayer.Builder().activation(Activation.GELU).build(),
                        name + "_fc1")
                .addLayer(name + "_fc2", perToken(width), name + "_gelu")
                .addVertex(name + "_add2", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_add1",
                        name + "_fc2");
        return name + "_add2";
    }

    /** A dense layer applied to every token: a kernel-1 convolution over the token axis. */
    private static Convolution1DLayer perToken(int out) {
        return new Convolution1DLayer.Builder().kernelSize(1).stride(1).nOut(out).hasBias(true)
                .rnnDataFormat(RNNFormat.NCW).activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build();
    }
}
