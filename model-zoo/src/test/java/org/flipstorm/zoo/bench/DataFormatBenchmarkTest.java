package org.flipstorm.zoo.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.flipstorm.zoo.data.SeededNoise;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The two layouts the benchmark compares do the same computation: same parameters, same outputs. */
class DataFormatBenchmarkTest {
    @Test
    void nchwAndNhwcTrunksComputeTheSameFunction() {
        ComputationGraph nchw = DataFormatBenchmark.trunk(CNN2DFormat.NCHW);
        ComputationGraph nhwc = DataFormatBenchmark.trunk(CNN2DFormat.NHWC);
        assertEquals(nchw.numParams(), nhwc.numParams());
        nhwc.setParams(nchw.params().dup());
        INDArray x = SeededNoise.uniform(new long[] {4, 3, 32, 32}, 9);
        INDArray a = nchw.outputSingle(false, x);
        INDArray b = nhwc.outputSingle(false, x.permute(0, 2, 3, 1).dup('c'));
        assertArrayEquals(a.ravel().toFloatVector(), b.ravel().toFloatVector(), 1e-5f);
    }
}
