package org.flipstorm.zoo.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.data.IdxDataset;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.Test;

class TrainerTest {
    @Test
    void twoEpochsOnTheSliceLowerTheLossAndBeatChance() throws Exception {
        Dl4jRuntime.configure();
        ImageSet slice = IdxDataset.FASHION_MNIST.load("test", Optional.of(Path.of("data/fashion-mnist-test-500")));
        MultiLayerNetwork net = LeNet.build(new LeNet.Options(1, 28, 28, 10, 8, 16, 64, 2e-3, 0, 4));
        Trainer trainer = new Trainer(net, slice, 50, 4);
        double first = trainer.epoch(1).meanLoss();
        trainer.epoch(2);
        double third = trainer.epoch(3).meanLoss();
        assertTrue(third < first, "loss " + first + " -> " + third);
        double acc = Evaluation.accuracy(net, slice, 100);
        assertTrue(acc > 0.5, "accuracy on the training slice " + acc);
    }
}
