package org.flipstorm.zoo.bench;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Model;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.data.SeededNoise;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Inference throughput: one op = one forward pass of {@code batch} images (images/s = ops/s x batch). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InferenceBenchmark {
    @Param({"lenet", "resnet20", "vit_tiny"})
    public String model;

    @Param({"1", "32", "256"})
    public int batch;

    private Model net;
    private INDArray input;

    @Setup
    public void setUp() {
        Dl4jRuntime.configure();
        net = BenchNets.build(model);
        input = SeededNoise.uniform(BenchNets.inputShape(model, batch), 3);
        if (Dl4jRuntime.convolutionPath() != Dl4jRuntime.ConvolutionPath.NATIVE_HELPER) {
            throw new IllegalStateException("convolutions take the Java fallback; the numbers would be meaningless");
        }
    }

    @Benchmark
    public INDArray forward() {
        return BenchNets.infer(net, input);
    }
}
