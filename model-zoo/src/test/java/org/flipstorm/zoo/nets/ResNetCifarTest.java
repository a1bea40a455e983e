package org.flipstorm.zoo.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ResNetCifarTest {
    @Test
    void resnet20HasAbout270kParametersAndClassifiesABatch() {
        ComputationGraph net = ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(1));
        // The paper's option A (zero-padding shortcuts) has 269,722 trainable parameters for 10
        // classes, batch norm counted as gamma and beta over its 688 channels. Here: the two 1x1
        // projections add 16*32 + 32*64 weights and 4*(32+64) batch-norm values, and DL4J counts
        // each batch norm's running mean and variance as parameters too (2*688 more).
        assertEquals(269_722 + 512 + 2_048 + 4 * (32 + 64) + 2 * 688, net.numParams());
        INDArray out = net.outputSingle(false, Nd4j.rand(DataType.FLOAT, 3, 3, 32, 32));
        assertArrayEquals(new long[] {3, 10}, out.shape());
        assertEquals(3.0, out.sumNumber().doubleValue(), 1e-4);
    }

    @Test
    void badOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ResNetCifar.Options(0, 32, 32, 3, 10, 0.1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ResNetCifar.Options(3, 32, 32, 3, 1, 0.1, 0, 1));
    }
}
