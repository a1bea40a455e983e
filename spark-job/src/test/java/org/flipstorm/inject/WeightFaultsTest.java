package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WeightFaultsTest {
    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    private static int[] paramBits(Model m) {
        float[] p = m.params().dup().data().asFloat();
        int[] bits = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            bits[i] = Float.floatToRawIntBits(p[i]);
        }
        return bits;
    }

    @Test
    void aWeightFaultChangesPredictionsAndLeavesEveryParameterAsItWas() {
        InjectionEngine engine = new InjectionEngine(InjectableNetworks.of(TinyNets.lenet()), 16);
        WeightFaults weights = new WeightFaults(engine);
        GoldenPass golden = engine.golden(TinyNets.images(8, 2));
        int logits = engine.network().indexOf("logits");
        int[] before = paramBits(engine.network().model());
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7};
        long n = weights.weights(logits, WeightFaults.WEIGHTS);
        assertEquals(32 * 10, n);
        int sdc = 0;
        for (long w = 0; w < n; w += 7) {
            // A large positive weight into one class: that class wins for most inputs.
            List<TrialResult> r = weights.inject(golden, logits, WeightFaults.WEIGHTS, new Fault(w, 0, 0, w, 0),
                    (v, f) -> 1e4f, labels);
            assertEquals(8, r.size());
            assertEquals(1e4f, r.get(0).valueAfter());
            sdc += (int) r.stream().filter(t -> t.outcome() == Outcome.SDC).count();
            assertArrayEquals(before, paramBits(engine.network().model()), "parameters restored after weight " + w);
        }
        assertTrue(sdc > 0, "some weight faults change predictions");
    }

    @Test
    void aZeroEffectWeightFaultIsMaskedAndAGraphIsRestoredToo() {
        InjectionEngine engine = new InjectionEngine(InjectableNetworks.of(
                ResNetCifar.build(new ResNetCifar.Options(1, 16, 16, 3, 10, 0.1, 0, 2))), 16);
        WeightFaults weights = new WeightFaults(engine);
        GoldenPass golden = engine.golden(SuffixNoise.images(4, 4, 3, 16, 16));
        int site = engine.network().indexOf("s2b1_a_conv");
        int[] before = paramBits(engine.network().model());
        List<TrialResult> same = weights.inject(golden, site, WeightFaults.WEIGHTS, new Fault(1, 0, 0, 5, 0),
                (v, f) -> v, new int[] {0, 1, 2, 3});
        assertTrue(same.stream().allMatch(t -> t.outcome() == Outcome.MASKED && t.deltaLoss() == 0f));
        weights.inject(golden, site, WeightFaults.WEIGHTS, new Fault(2, 0, 0, 5, 30), FaultModel.FP32_FLIP.corruption(1),
                new int[] {0, 1, 2, 3});
        assertArrayEquals(before, paramBits(engine.network().model()));
        int add = engine.network().indexOf("s2b1_add");
        assertThrows(IllegalArgumentException.class, () -> weights.inject(golden, add, WeightFaults.WEIGHTS,
                new Fault(3, 0, 0, 0, 0), (v, f) -> v, new int[4]));
    }
}
