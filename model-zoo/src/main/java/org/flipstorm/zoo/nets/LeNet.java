package org.flipstorm.zoo.nets;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.flipstorm.zoo.nets.head.CosineHead;
import org.flipstorm.zoo.nets.head.LogitScale;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * LeNet-style CNN (two 5x5 convolutions with max pooling, one hidden dense layer) for small
 * grey-scale images such as Fashion-MNIST.
 *
 * <p>The class scores come from a dense layer with identity activation named {@code logits},
 * followed by a parameter-free softmax/cross-entropy {@link LossLayer}. Keeping the logits a layer
 * of their own means a fault injected into the last layer hits the pre-softmax score, as in the
 * study's PyTorch models, rather than a probability.
 */
public final class LeNet {
    /** Architecture id written to model cards. */
    public static final String ARCHITECTURE = "lenet";

    private LeNet() {}

    /**
     * Options of the network.
     *
     * @param channels input channels
     * @param height input height
     * @param width input width
     * @param numClasses classes
     * @param conv1Filters filters of the first convolution
     * @param conv2Filters filters of the second convolution
     * @param hidden units of the hidden dense layer
     * @param learningRate Adam learning rate
     * @param weightDecay L2 weight decay
     * @param seed weight-initialisation seed
     */
    public record Options(int channels, int height, int width, int numClasses, int conv1Filters,
                          int conv2Filters, int hidden, double learningRate, double weightDecay, long seed) {
        /** Checks every option. */
        public Options {
            positive("channels", channels);
            if (height < 12 || width < 12) {
                throw new IllegalArgumentException(
                        "input " + height + "x" + width + " too small for LeNet; expected at least 12x12");
            }
            positive("numClasses", numClasses);
            positive("conv1Filters", conv1Filters);
            positive("conv2Filters", conv2Filters);
            positive("hidden", hidden);
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learningRate " + learningRate + " must be > 0");
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weightDecay " + weightDecay + " must be >= 0");
            }
        }

        /** The classic sizes (20 and 50 filters, 500 hidden units) for 28x28x1 input. */
        public static Options fashionMnist(long seed) {
            return new Options(1, 28, 28, 10, 20, 50, 500, 1e-3, 1e-4, seed);
        }

        private static void positive(String name, int v) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " " + v + " must be > 0");
            }
        }
    }

    /** Builds and initialises the network with the baseline head (a dense layer to the classes). */
    public static MultiLayerNetwork build(Options o) {
        return build(o, null);
    }

    /**
     * Builds and initialises the network; with {@code classEmbeddings} (one row of E values per
     * class) the head is text-guided: fc1 -> a dense {@code features} layer of E units (identity)
     * -> {@link CosineHead} named {@code cosine} -> {@link LogitScale} named {@code logits}.
     * Otherwise {@code logits} is a dense layer.
     */
    public static MultiLayerNetwork build(Options o, float[][] classEmbeddings) {
        return build(o, classEmbeddings, new Adam(o.learningRate()), o.weightDecay(), 0);
    }

    /**
     * LeNet with the classic sizes for the input and head of {@code spec}, trained with its
     * updater and L2 penalty.
     */
    public static MultiLayerNetwork build(NetSpec spec) {
        Options o = new Options(spec.channels(), spec.height(), spec.width(), spec.numClasses(), 20, 50, 500, 1e-3, 0,
                spec.seed());
        return build(o, spec.classEmbeddings(), spec.updater(), 0, spec.l2());
    }

    private static MultiLayerNetwork build(Options o, float[][] classEmbeddings, IUpdater updater, double weightDecay,
                                           double l2) {
        if (classEmbeddings != null && classEmbeddings.length != o.numClasses()) {
            throw new IllegalArgumentException(classEmbeddings.length + " class embeddings for " + o.numClasses()
                    + " classes");
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(o.seed())
                .updater(updater)
                .weightDecay(weightDecay)
                .l2(l2)
                .weightInit(WeightInit.RELU)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .cacheMode(CacheMode.DEVICE)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).name("conv1").nOut(o.conv1Filters())
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool1")
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).name("conv2").nOut(o.conv2Filters())
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool2")
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().name("fc1").nOut(o.hidden()).activation(Activation.RELU).build());
        if (classEmbeddings == null) {
            list.layer(new DenseLayer.Builder().name("logits").nOut(o.numClasses())
                    .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build());
        } else {
            CosineHead cosine = new CosineHead(classEmbeddings);
            cosine.setLayerName(Heads.COSINE);
            LogitScale scale = LogitScale.of(o.numClasses());
            scale.setLayerName("logits");
            list.layer(new DenseLayer.Builder().name("features").nOut(classEmbeddings[0].length)
                            .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build())
                    .layer(cosine)
                    .layer(scale);
        }
        MultiLayerConfiguration conf = list
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).name("softmax")
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(o.height(), o.width(), o.channels()))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }
}
