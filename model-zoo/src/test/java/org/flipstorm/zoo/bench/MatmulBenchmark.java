package org.flipstorm.zoo.bench;

import java.util.concurrent.TimeUnit;
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

/** The machine's reference: ND4J float32 matrix multiply of two n x n matrices (GFLOP/s = ops/s x 2n^3 / 1e9). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MatmulBenchmark {
    @Param({"2048"})
    public int n;

    private INDArray a;
    private INDArray b;
    private INDArray c;

    @Setup
    public void setUp() {
        Dl4jRuntime.configure();
        a = SeededNoise.uniform(new long[] {n, n}, 1);
        b = SeededNoise.uniform(new long[] {n, n}, 2);
        c = a.mmul(b);
    }

    @Benchmark
    public INDArray mmul() {
        return a.mmuli(b, c);
    }
}
