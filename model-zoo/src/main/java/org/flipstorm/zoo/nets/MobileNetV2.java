package org.flipstorm.zoo.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;

/**
 * MobileNetV2 (Sandler et al., CVPR 2018, table 2) for 32x32 input: the paper's inverted-residual
 * stages with width multiplier 1, but the stem and the second stage at stride 1 (the usual CIFAR
 * change, which keeps a 4x4 map before pooling and leaves the parameter count unchanged: 2.24 M
 * trainable parameters for 10 classes). Each block expands by t with a 1x1 convolution, filters
 * with a 3x3 depthwise convolution, projects linearly with a 1x1 convolution, and adds its input
 * when the stride is 1 and the width is unchanged. ReLU6 after every non-projection convolution.
 */
public final class MobileNetV2 {
    /** Architecture id in model cards. */
    public static final String ARCHITECTURE = "mobilenetv2";

    /** (expansion t, output channels c, blocks n, stride of the first block s), CIFAR strides. */
    private static final int[][] STAGES = {
        {1, 16, 1, 1}, {6, 24, 2, 1}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };

    private MobileNetV2() {}

    /** Builds and initialises the network. */
    public static ComputationGraph build(NetSpec spec) {
        if (spec.height() < 8 || spec.width() < 8) {
            throw new IllegalArgumentException("input " + spec.height() + "x" + spec.width()
                    + " too small for MobileNetV2's three stride-2 stages; expected at least 8x8");
        }
        ComputationGraphConfiguration.GraphBuilder g = spec.graphBuilder();
        String prev = convBn(g, "stem", "input", 3, 32, 1, true);
        int width = 32;
        int block = 0;
        for (int[] st : STAGES) {
            for (int i = 0; i < st[2]; i++) {
                block++;
                prev = invertedResidual(g, "b" + block, prev, width, st[0], st[1], i == 0 ? st[3] : 1);
                width = st[1];
            }
        }
        prev = convBn(g, "head", prev, 1, 1280, 1, true);
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev);
        Heads.attach(g, "pool", spec);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static String invertedResidual(ComputationGraphConfiguration.GraphBuilder g, String name, String in,
                                           int inWidth, int expansion, int outWidth, int stride) {
        String x = in;
        int hidden = inWidth * expansion;
        if (expansion != 1) {
            x = convBn(g, name + "_expand", x, 1, hidden, 1, true);
        }
        String dw = depthwiseBn(g, name + "_dw", x, hidden, stride);
        String out = convBn(g, name + "_project", dw, 1, outWidth, 1, false);
        if (stride == 1 && inWidth == outWidth) {
            g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), out, in);
            out = name + "_add";
        }
        return out;
    }

    private static String convBn(ComputationGraphConfiguration.GraphBuilder g, String name, String in, int kernel,
                                 int filters, int stride, boolean relu6) {
        return Blocks.convBn(g, name, in, new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride)
                .padding(kernel / 2, kernel / 2).nOut(filters).hasBias(false).activation(Activation.IDENTITY).build(),
                relu6 ? Activation.RELU6 : null);
    }

    /** A 3x3 depthwise convolution, its batch norm and ReLU6, named NAME, NAME_bn, NAME_relu. */
    private static String depthwiseBn(ComputationGraphConfiguration.GraphBuilder g, String name, String in,
                                      int channels, int stride) {
        g.addLayer(name, new DepthwiseConvolution2D.Builder(3, 3).stride(stride, stride).padding(1, 1)
                        .depthMultiplier(1).nOut(channels).hasBias(false).activation(Activation.IDENTITY).build(), in)
                .addLayer(name + "_bn", new BatchNormalization.Builder().build(), name)
                .addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU6).build(),
                        name + "_bn");
        return name + "_relu";
    }
}
