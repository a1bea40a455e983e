package org.flipstorm.zoo.bench;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.nets.NetSpec;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.nets.VisionTransformer;
import org.flipstorm.zoo.data.SeededNoise;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The networks the benchmarks measure, with seeded weights and inputs (speed does not depend on training). */
final class BenchNets {
    private BenchNets() {}

    static Model build(String model) {
        return switch (model) {
            case "lenet" -> LeNet.build(LeNet.Options.fashionMnist(1));
            case "resnet20" -> ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(1));
            case VisionTransformer.VIT_TINY -> VisionTransformer.vitTiny(
                    new NetSpec(1, 28, 28, 10, null, new Adam(1e-3), 0, 1));
            default -> throw new IllegalArgumentException("unknown benchmark model " + model);
        };
    }

    static long[] inputShape(String model, int batch) {
        return model.equals("resnet20") ? new long[] {batch, 3, 32, 32} : new long[] {batch, 1, 28, 28};
    }

    static DataSet batch(String model, int batch, long seed) {
        INDArray x = SeededNoise.uniform(inputShape(model, batch), seed);
        INDArray y = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch, 10);
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, r.nextInt(10), 1f);
        }
        return new DataSet(x, y);
    }

    static INDArray infer(Model net, INDArray x) {
        return net instanceof ComputationGraph g ? g.outputSingle(false, x) : ((MultiLayerNetwork) net).output(x, false);
    }

    static void fit(Model net, DataSet ds) {
        if (net instanceof ComputationGraph g) {
            g.fit(ds);
        } else {
            ((MultiLayerNetwork) net).fit(ds);
        }
    }
}
