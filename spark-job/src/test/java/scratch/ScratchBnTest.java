package scratch;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class ScratchBnTest {
    static int dropBnHelpers(ComputationGraph g) throws Exception {
        Field f = org.deeplearning4j.nn.layers.normalization.BatchNormalization.class.getDeclaredField("helper");
        f.setAccessible(true);
        int n = 0;
        for (Layer l : g.getLayers()) {
            if (l instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization bn) {
                f.set(bn, null);
                n++;
            }
        }
        return n;
    }

    @Test
    void time() throws Exception {
        ComputationGraph a = ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(1));
        ComputationGraph b = ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(1));
        System.out.println("dropped " + dropBnHelpers(b));
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 128, 3, 32, 32);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 128, 10);
        for (int i = 0; i < 128; i++) y.putScalar(i, i % 10, 1f);
        DataSet d = new DataSet(x, y);
        INDArray oa = a.outputSingle(false, x), ob = b.outputSingle(false, x);
        System.out.println("inference max diff " + oa.sub(ob).amaxNumber());
        a.fit(d); b.fit(d);
        System.out.println("score after 1 fit " + a.score() + " " + b.score() + " param max diff " + a.params().sub(b.params()).amaxNumber());
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < 6; k++) a.fit(d);
            long t1 = System.nanoTime();
            for (int k = 0; k < 6; k++) b.fit(d);
            long t2 = System.nanoTime();
            System.out.printf("helper %.1f img/s   builtin %.1f img/s%n", 768 / ((t1 - t0) / 1e9), 768 / ((t2 - t1) / 1e9));
        }
    }
}
