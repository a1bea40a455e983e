package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Model;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Early masking changes how much runs, not the answers: with it off, every trial has the same
 * outcome, predictions and values. Dropping rows shrinks the batch, and oneDNN may round the
 * remaining rows differently in the last bits at another batch size, so confidences and delta
 * losses are compared within 1e-4. Both ways of comparing a fault are checked: with its image in the
 * golden pass, and with its clean row in the same batch.
 */
class EarlyMaskingTest {
    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    @Test
    void lenetResultsAreIdenticalAndSomeRowsStopEarly() {
        check(TinyNets.lenet(), TinyNets.images(5, 8), TinyNets.lenet());
    }

    @Test
    void resnetResultsAreIdenticalAndSomeRowsStopEarly() {
        check(ResNetCifar.build(new ResNetCifar.Options(1, 16, 16, 3, 10, 0.1, 0, 6)),
                SuffixNoise.images(8, 5, 3, 16, 16), ResNetCifar.build(new ResNetCifar.Options(1, 16, 16, 3, 10, 0.1, 0, 6)));
    }

    /** Both ways of comparing: with the golden pass (the default), and with clean rows in the batch. */
    static void check(Model a, INDArray images, Model b) {
        check(a, images, b, InjectionEngine.DEFAULT_NEAR_TIE);
        check(a, images, b, InjectionEngine.EXACT);
    }

    private static void check(Model a, INDArray images, Model b, double nearTie) {
        InjectionEngine masked = new InjectionEngine(InjectableNetworks.of(a), 24, true, nearTie);
        InjectionEngine plain = new InjectionEngine(InjectableNetworks.of(b), 24, false, nearTie);
        GoldenPass gm = masked.golden(images);
        GoldenPass gp = plain.golden(images);
        SplittableRandom r = new SplittableRandom(13);
        for (int site = 0; site < masked.network().size(); site++) {
            List<Fault> faults = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                faults.add(new Fault(i, r.nextInt(gm.images()), r.nextInt(10), r.nextLong(gm.neurons(site)),
                        r.nextInt(32)));
            }
            List<TrialResult> x = masked.inject(gm, site, faults);
            List<TrialResult> y = plain.inject(gp, site, faults);
            for (int i = 0; i < faults.size(); i++) {
                TrialResult p = y.get(i);
                TrialResult m = x.get(i);
                String where = "site " + masked.network().names().get(site) + " fault " + faults.get(i);
                assertEquals(p.outcome(), m.outcome(), where);
                assertEquals(p.goldenTop1(), m.goldenTop1(), where);
                assertEquals(p.faultyTop1(), m.faultyTop1(), where);
                assertEquals(p.valueAfter(), m.valueAfter(), where);
                assertEquals(p.goldenConfidence(), m.goldenConfidence(), 1e-4f, where);
                assertEquals(p.faultyConfidence(), m.faultyConfidence(), 1e-4f, where);
                assertEquals(p.deltaLoss(), m.deltaLoss(), 1e-4f, where);
            }
        }
        long[] stats = masked.rowStatistics();
        assertTrue(stats[1] > 0, "early masking dropped some of " + stats[0] + " rows");
        assertEquals(0, plain.rowStatistics()[1]);
    }
}
