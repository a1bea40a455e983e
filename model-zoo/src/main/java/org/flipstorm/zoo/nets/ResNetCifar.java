package org.flipstorm.zoo.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * ResNet for CIFAR-scale input (He et al., CVPR 2016, section 4.2): a 3x3 stem with 16 filters,
 * three stages of {@code n} basic blocks with 16, 32 and 64 filters (stride 2 at the start of
 * stages 2 and 3), global average pooling, a dense {@code logits} layer and a softmax loss layer.
 * Depth = 6n + 2, so n = 3 gives ResNet-20 (about 0.27 M parameters).
 *
 * <p>Shortcuts are identities; where a stage changes width and resolution the shortcut is a 1x1
 * stride-2 convolution with batch norm (the paper's option B), which DL4J expresses directly.
 */
public final class ResNetCifar {
    /** Architecture id of ResNet-20 in model cards. */
    public static final String RESNET20 = "resnet20";
    /** Architecture id of ResNet-18 in model cards. */
    public static final String RESNET18 = "resnet18";

    private ResNetCifar() {}

    /**
     * Options.
     *
     * @param blocksPerStage n (3 for ResNet-20)
     * @param height input height
     * @param width input width
     * @param channels input channels
     * @param numClasses classes
     * @param learningRate SGD learning rate
     * @param weightDecay L2 weight decay
     * @param seed initialisation seed
     */
    public record Options(int blocksPerStage, int height, int width, int channels, int numClasses,
                          double learningRate, double weightDecay, long seed) {
        /** Checks the options. */
        public Options {
            if (blocksPerStage < 1) {
                throw new IllegalArgumentException("blocksPerStage " + blocksPerStage + " must be >= 1");
            }
            if (height < 8 || width < 8 || channels < 1) {
                throw new IllegalArgumentException("input " + channels + "x" + height + "x" + width
                        + " too small; expected at least 1x8x8");
            }
            if (numClasses < 2) {
                throw new IllegalArgumentException("numClasses " + numClasses + " must be >= 2");
            }
        }

        /** ResNet-20 for 32x32x3 CIFAR-10. */
        public static Options resnet20Cifar10(long seed) {
            return new Options(3, 32, 32, 3, 10, 0.1, 5e-4, seed);
        }
    }

    /** Builds and initialises the graph (baseline head, SGD with Nesterov momentum). */
    public static ComputationGraph build(Options o) {
        NetSpec spec = new NetSpec(o.channels(), o.height(), o.width(), o.numClasses(), null,
                new Nesterovs(o.learningRate(), 0.9), o.weightDecay(), o.seed());
        return build(spec, 16, new int[] {16, 32, 64}, o.blocksPerStage());
    }

    /** ResNet-20 (n = 3, widths 16/32/64) with the head and training settings of {@code spec}. */
    public static ComputationGraph resnet20(NetSpec spec) {
        return build(spec, 16, new int[] {16, 32, 64}, 3);
    }

    /**
     * ResNet-18 for CIFAR (the common adaptation of He et al.'s ImageNet network: a 3x3 stride-1
     * stem of 64 filters and no max pooling, then four stages of two basic blocks with 64, 128, 256
     * and 512 filters, stride 2 at the start of stages 2-4); 11.17 M trainable parameters for 10
     * classes.
     */
    public static ComputationGraph resnet18(NetSpec spec) {
        return build(spec, 64, new int[] {64, 128, 256, 512}, 2);
    }

    private static ComputationGraph build(NetSpec spec, int stemFilters, int[] widths, int blocksPerStage) {
        if (spec.height() < 8 || spec.width() < 8) {
            throw new IllegalArgumentException("input " + spec.height() + "x" + spec.width()
                    + " too small for a CIFAR ResNet; expected at least 8x8");
        }
        ComputationGraphConfiguration.GraphBuilder g = spec.graphBuilder();
        String prev = convBnRelu(g, "stem", "input", stemFilters, 1);
        int width = stemFilters;
        for (int stage = 1; stage <= widths.length; stage++) {
            int filters = widths[stage - 1];
            for (int b = 1; b <= blocksPerStage; b++) {
                int stride = (stage > 1 && b == 1) ? 2 : 1;
                prev = basicBlock(g, "s" + stage + "b" + b, prev, width, filters, stride);
                width = filters;
            }
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev);
        Heads.attach(g, "pool", spec);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static String convBnRelu(ComputationGraphConfiguration.GraphBuilder g, String name, String in,
                                     int filters, int stride) {
        return Blocks.convBn(g, name, in, conv3x3(filters, stride), Activation.RELU);
    }

    private static String basicBlock(ComputationGraphConfiguration.GraphBuilder g, String name, String in,
                                     int inFilters, int filters, int stride) {
        String a = convBnRelu(g, name + "_a", in, filters, stride);
        String b = Blocks.convBn(g, name + "_b", a, conv3x3(filters, 1), null);
        String shortcut = in;
        if (stride != 1 || inFilters != filters) {
            shortcut = Blocks.convBn(g, name + "_proj", in, new ConvolutionLayer.Builder(1, 1).stride(stride, stride)
                    .nOut(filters).hasBias(false).activation(Activation.IDENTITY).build(), null);
        }
        g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), b, shortcut)
                .addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                        name + "_add");
        return name + "_relu";
    }

    private static ConvolutionLayer conv3x3(int filters, int stride) {
        return new ConvolutionLayer.Builder(3, 3).stride(stride, stride).padding(1, 1).nOut(filters).hasBias(false)
                .activation(Activation.IDENTITY).build();
    }
}
