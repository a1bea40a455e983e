package org.flipstorm.zoo.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;

/**
 * AlexNet-style network for 32x32 input (after Krizhevsky et al., NeurIPS 2012, scaled down the way
 * CIFAR ports do): five 3x3 convolutions with 64, 192, 384, 256 and 256 filters and ReLU, 2x2 max
 * pooling after the first, second and fifth, then two dense layers of {@code hidden} units with
 * dropout 0.5 and the head. No batch norm, as in the original.
 */
public final class AlexNet {
    /** Architecture id in model cards. */
    public static final String ARCHITECTURE = "alexnet";
    /** Units of each of the two hidden dense layers. */
    public static final int HIDDEN = 1024;

    private AlexNet() {}

    /** Builds and initialises the network. */
    public static ComputationGraph build(NetSpec spec) {
        if (spec.height() < 8 || spec.width() < 8) {
            throw new IllegalArgumentException("input " + spec.height() + "x" + spec.width()
                    + " too small for AlexNet's three 2x2 poolings; expected at least 8x8");
        }
        ComputationGraphConfiguration.GraphBuilder g = spec.graphBuilder();
        int[] filters = {64, 192, 384, 256, 256};
        String prev = "input";
        for (int i = 0; i < filters.length; i++) {
            String name = "conv" + (i + 1);
            g.addLayer(name, new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(filters[i])
                    .activation(Activation.RELU).build(), prev);
            prev = name;
            if (i == 0 || i == 1 || i == 4) {
                String pool = "pool" + (i + 1);
                g.addLayer(pool, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build(), prev);
                prev = pool;
            }
        }
        for (int i = 1; i <= 2; i++) {
            g.addLayer("drop" + i, new DropoutLayer.Builder(0.5).build(), prev)
                    .addLayer("fc" + i, new DenseLayer.Builder().nOut(HIDDEN).activation(Activation.RELU).build(),
                            "drop" + i);
            prev = "fc" + i;
        }
        Heads.attach(g, prev, spec);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }
}
