package scratch;

import java.nio.file.Path;
import org.flipstorm.inject.GoldenPass;
import org.flipstorm.inject.InjectableNetwork;
import org.flipstorm.inject.InjectableNetworks;
import org.flipstorm.inject.Rows;
import org.flipstorm.zoo.store.ModelStore;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ScratchGatherTest {
    @Test
    void time() throws Exception {
        var m = ModelStore.load(Path.of("../model-zoo/models/resnet20-cifar10-baseline.zip"));
        InjectableNetwork net = InjectableNetworks.of(m.network());
        Nd4j.getRandom().setSeed(1);
        GoldenPass g = net.golden(Nd4j.randn(DataType.FLOAT, 50, 3, 32, 32));
        int site = 3;
        INDArray act = g.activations()[site];
        INDArray flat = act.reshape('c', act.size(0), act.length() / act.size(0));
        int n = (int) flat.size(1);
        int[] rows = new int[128];
        for (int i = 0; i < rows.length; i++) rows[i] = (i * 7) % 50;
        long[] shape = act.shape().clone();
        shape[0] = 128;
        System.out.println(net.names().get(site) + " " + java.util.Arrays.toString(act.shape()) + " " + act.ordering() + " " + java.util.Arrays.toString(act.stride()));
        for (int rep = 0; rep < 6; rep++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < 5; k++) {
                INDArray b = Rows.gather(flat, rows).castTo(DataType.FLOAT).reshape('c', shape);
                net.suffix(site, b, g, rows);
            }
            long t1 = System.nanoTime();
            for (int k = 0; k < 5; k++) {
                float[] buf = new float[128 * n];
                for (int j = 0; j < 128; j++) System.arraycopy(flat.getRow(rows[j]).toFloatVector(), 0, buf, j * n, n);
                INDArray b = Nd4j.create(buf, shape, 'c').castTo(DataType.FLOAT);
                net.suffix(site, b, g, rows);
            }
            long t2 = System.nanoTime();
            for (int k = 0; k < 5; k++) {
                INDArray b = Rows.gather(flat, rows).castTo(DataType.FLOAT).reshape('c', shape).dup('c');
                net.suffix(site, b, g, rows);
            }
            long t3 = System.nanoTime();
            System.out.printf("gather %.1f ms  java %.1f ms  gather+dup %.1f ms%n", (t1 - t0) / 5e6, (t2 - t1) / 5e6, (t3 - t2) / 5e6);
        }
        INDArray b = Rows.gather(flat, rows).castTo(DataType.FLOAT).reshape('c', shape);
        System.out.println(b.ordering() + " " + java.util.Arrays.toString(b.stride()) + " view=" + b.isView() + " " + b.data().getClass());
        INDArray c = Nd4j.create(new float[(int) b.length()], shape, 'c');
        System.out.println(c.ordering() + " " + java.util.Arrays.toString(c.stride()) + " view=" + c.isView() + " " + c.data().getClass());
    }
}
