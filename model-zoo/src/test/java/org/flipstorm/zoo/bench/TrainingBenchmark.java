package org.flipstorm.zoo.bench;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.nd4j.linalg.dataset.DataSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Training throughput with the zoo's default settings (workspaces on, {@code CacheMode.DEVICE}):
 * one op = one SGD step on {@code batch} images.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TrainingBenchmark {
    @Param({"lenet", "resnet20"})
    public String model;

    @Param({"128"})
    public int batch;

    /** DEVICE is the zoo's default; NONE is DL4J's. */
    @Param({"DEVICE", "NONE"})
    public String cache;

    private Model net;
    private DataSet data;

    @Setup
    public void setUp() {
        Dl4jRuntime.configure();
        net = BenchNets.build(model);
        CacheMode mode = CacheMode.valueOf(cache);
        if (net instanceof ComputationGraph g) {
            g.setCacheMode(mode);
        } else {
            ((MultiLayerNetwork) net).setCacheMode(mode);
        }
        data = BenchNets.batch(model, batch, 5);
    }

    @Benchmark
    public void step() {
        BenchNets.fit(net, data);
    }
}
