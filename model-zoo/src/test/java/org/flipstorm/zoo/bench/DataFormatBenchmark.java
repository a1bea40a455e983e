package org.flipstorm.zoo.bench;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.flipstorm.zoo.data.SeededNoise;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Does DL4J's activation layout matter on oneDNN? ResNet-20's convolution trunk (18 3x3
 * convolutions of 16, 32 and 64 channels, stride 2 entering stages 2 and 3, each with batch norm and
 * ReLU; no residual adds, which the zoo's ResNet builds only in NCHW) built once with NCHW and once
 * with NHWC activations, same weights' shapes, forward pass at inference. oneDNN computes in its
 * own blocked layout; the question is what the reorders to and from DL4J's layout cost. One op = one
 * forward pass of {@code batch} images.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DataFormatBenchmark {
    @Param({"NCHW", "NHWC"})
    public String model;

    @Param({"32", "128", "256"})
    public int batch;

    private ComputationGraph net;
    private INDArray input;

    @Setup
    public void setUp() {
        Dl4jRuntime.configure();
        CNN2DFormat format = CNN2DFormat.valueOf(model);
        net = trunk(format);
        INDArray nchw = SeededNoise.uniform(new long[] {batch, 3, 32, 32}, 3);
        input = format == CNN2DFormat.NCHW ? nchw : nchw.permute(0, 2, 3, 1).dup('c');
        if (Dl4jRuntime.convolutionPath() != Dl4jRuntime.ConvolutionPath.NATIVE_HELPER) {
            throw new IllegalStateException("convolutions take the Java fallback; the numbers would be meaningless");
        }
    }

    /** ResNet-20's convolution trunk in {@code format}. */
    static ComputationGraph trunk(CNN2DFormat format) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(1)
                .convolutionMode(ConvolutionMode.Same).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(32, 32, 3, format));
        String x = "in";
        int[] widths = {16, 32, 64};
        int i = 0;
        for (int stage = 0; stage < widths.length; stage++) {
            for (int conv = 0; conv < 6; conv++, i++) {
                int stride = stage > 0 && conv == 0 ? 2 : 1;
                g.addLayer("c" + i, new ConvolutionLayer.Builder(3, 3).stride(stride, stride).nOut(widths[stage])
                                .hasBias(false).dataFormat(format).activation(Activation.IDENTITY).build(), x)
                        .addLayer("bn" + i, new BatchNormalization.Builder().dataFormat(format).build(), "c" + i)
                        .addLayer("relu" + i, new ActivationLayer(Activation.RELU), "bn" + i);
                x = "relu" + i;
            }
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    @Benchmark
    public INDArray forward() {
        return net.outputSingle(false, input);
    }
}
