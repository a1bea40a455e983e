package org.flipstorm.zoo.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LeNetTest {
    @Test
    void classicLeNetHasTheTextbookParameterCountAndOutputsProbabilities() {
        MultiLayerNetwork net = LeNet.build(LeNet.Options.fashionMnist(3));
        // conv1 5*5*1*20+20, conv2 5*5*20*50+50, fc1 800*500+500, logits 500*10+10
        assertEquals(520 + 25_050 + 400_500 + 5_010, net.numParams());
        INDArray out = net.output(Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28));
        assertArrayEquals(new long[] {4, 10}, out.shape());
        assertEquals(4.0, out.sumNumber().doubleValue(), 1e-4, "softmax rows sum to one");
        assertEquals("logits", net.getLayer(5).conf().getLayer().getLayerName());
    }

    @Test
    void badOptionsNameTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LeNet.Options(1, 8, 8, 10, 20, 50, 500, 1e-3, 0, 1));
        assertTrue(e.getMessage().contains("8x8 too small"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LeNet.Options(1, 28, 28, 0, 20, 50, 500, 1e-3, 0, 1));
        assertTrue(e.getMessage().contains("numClasses 0"), e.getMessage());
    }
}
