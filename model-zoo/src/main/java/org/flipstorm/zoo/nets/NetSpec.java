package org.flipstorm.zoo.nets;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * What every zoo architecture is built from: input shape, classes, head, and how it will be
 * trained (DL4J keeps the updater inside the network configuration).
 *
 * @param channels input channels
 * @param height input height
 * @param width input width
 * @param numClasses classes (>= 2)
 * @param classEmbeddings one text embedding per class for a {@code text_guided} head, or null
 *     for the {@code baseline} head
 * @param updater the optimizer, e.g. {@code Nesterovs} with a schedule
 * @param l2 L2 penalty added to the gradient (SGD's weight decay), >= 0
 * @param seed weight-initialisation seed
 */
public record NetSpec(int channels, int height, int width, int numClasses, float[][] classEmbeddings,
                      IUpdater updater, double l2, long seed) {
    /** Checks the values. */
    public NetSpec {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("input " + channels + "x" + height + "x" + width + " must be positive");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses " + numClasses + " must be >= 2");
        }
        if (classEmbeddings != null && classEmbeddings.length != numClasses) {
            throw new IllegalArgumentException(classEmbeddings.length + " class embeddings for " + numClasses
                    + " classes; expected one per class");
        }
        if (updater == null) {
            throw new IllegalArgumentException("an updater is required");
        }
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("l2 " + l2 + " must be >= 0");
        }
    }

    /** 32x32 RGB, SGD with Nesterov momentum 0.9 at a constant 0.1, L2 5e-4: for tests and benchmarks. */
    public static NetSpec cifar(int numClasses, float[][] classEmbeddings, long seed) {
        return new NetSpec(3, 32, 32, numClasses, classEmbeddings, new Nesterovs(0.1, 0.9), 5e-4, seed);
    }

    /** True for the text-guided head. */
    public boolean textGuided() {
        return classEmbeddings != null;
    }

    /** A graph builder with the shared settings and one input named {@code input}. */
    ComputationGraphConfiguration.GraphBuilder graphBuilder() {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .l2(l2)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .cacheMode(CacheMode.DEVICE)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(height, width, channels));
    }
}
