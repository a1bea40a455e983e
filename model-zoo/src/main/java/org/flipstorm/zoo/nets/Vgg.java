package org.flipstorm.zoo.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;

/**
 * VGG with batch norm for CIFAR-scale input (Simonyan and Zisserman, ICLR 2015, configurations A
 * and D, with a BN layer after every convolution): 3x3 convolutions with bias, 2x2 max pooling
 * after each stage, and, as is usual for 32x32 images, a single linear classifier on the 512
 * features left after five poolings (9.23 M trainable parameters for VGG-11-BN, 14.73 M for
 * VGG-16-BN, 10 classes). Inputs smaller than 32x32 are pooled to 1x1 by a global average.
 */
public final class Vgg {
    /** Architecture id of VGG-11 with batch norm. */
    public static final String VGG11_BN = "vgg11_bn";
    /** Architecture id of VGG-16 with batch norm. */
    public static final String VGG16_BN = "vgg16_bn";

    /** Filters per convolution, stage by stage. */
    public enum Depth {
        /** Configuration A: 8 convolutions. */
        VGG11(new int[][] {{64}, {128}, {256, 256}, {512, 512}, {512, 512}}),
        /** Configuration D: 13 convolutions. */
        VGG16(new int[][] {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}});

        private final int[][] stages;

        Depth(int[][] stages) {
            this.stages = stages;
        }
    }

    private Vgg() {}

    /** Builds and initialises the network. */
    public static ComputationGraph build(NetSpec spec, Depth depth) {
        if (spec.height() < 32 || spec.width() < 32) {
            throw new IllegalArgumentException("input " + spec.height() + "x" + spec.width()
                    + " too small for VGG's five 2x2 poolings; expected at least 32x32");
        }
        ComputationGraphConfiguration.GraphBuilder g = spec.graphBuilder();
        String prev = "input";
        for (int s = 0; s < depth.stages.length; s++) {
            for (int c = 0; c < depth.stages[s].length; c++) {
                String name = "s" + (s + 1) + "c" + (c + 1);
                prev = Blocks.convBn(g, name, prev, new ConvolutionLayer.Builder(3, 3).padding(1, 1)
                        .nOut(depth.stages[s][c]).activation(Activation.IDENTITY).build(), Activation.RELU);
            }
            g.addLayer("pool" + (s + 1), new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(2, 2).stride(2, 2).build(), prev);
            prev = "pool" + (s + 1);
        }
        g.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev);
        Heads.attach(g, "gap", spec);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }
}
