package org.flipstorm.zoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    /** The 500-image Fashion-MNIST slice kept in the repository. */
    private static ImageSet slice() throws Exception {
        Dl4jRuntime.configure();
        return IdxDataset.FASHION_MNIST.load("test", Optional.of(Path.of("data/fashion-mnist-test-500")));
    }

    private static MultiLayerNetwork lenet() {
        return LeNet.build(new LeNet.Options(1, 28, 28, 10, 8, 16, 64, 2e-3, 0, 4));
    }

    @Test
    void twoEpochsOnTheSliceLowerTheLossAndBeatChance() throws Exception {
        ImageSet slice = slice();
        MultiLayerNetwork net = lenet();
        Trainer trainer = new Trainer(net, slice, 50, 4);
        double first = trainer.epoch(1).meanLoss();
        trainer.epoch(2);
        double third = trainer.epoch(3).meanLoss();
        assertTrue(third < first, "loss " + first + " -> " + third);
        double acc = Evaluation.accuracy(net, slice, 100);
        assertTrue(acc > 0.5, "accuracy on the training slice " + acc);
    }

    @Test
    void collectionsFollowTheIntervalAndZeroTurnsThemOff() throws Exception {
        ImageSet slice = slice();
        MultiLayerNetwork net = lenet();
        Trainer never = new Trainer(net, slice, 100, 4);
        never.epoch(1);
        assertEquals(0, never.collections(), "collections without an interval");
        // An interval shorter than any batch: one collection after every batch.
        Trainer always = new Trainer(net, slice, 100, 4).collectEvery(1e-9, 0);
        always.epoch(1);
        assertEquals(always.batchesPerEpoch(), always.collections());
        // An interval longer than the epoch: none.
        Trainer seldom = new Trainer(net, slice, 100, 4).collectEvery(3600, 0);
        seldom.epoch(1);
        assertEquals(0, seldom.collections());
        var e = assertThrows(IllegalArgumentException.class, () -> never.collectEvery(-1, 0));
        assertTrue(e.getMessage().contains("expected 0"), e.getMessage());
    }
}
