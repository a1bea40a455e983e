package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class InjectionEngineTest {
    private static LayerStack stack;
    private static INDArray images;
    private static GoldenPass golden;
    private static InjectionEngine engine;

    @BeforeAll
    static void setUp() {
        Dl4jRuntime.configure();
        stack = new LayerStack(TinyNets.lenet());
        images = TinyNets.images(6, 3);
        engine = new InjectionEngine(stack, 16);
        golden = engine.golden(images);
    }

    @Test
    void rerunningFromEveryLayerWithoutFaultEqualsTheFullForwardBitForBit() {
        float[] full = golden.activations()[stack.size() - 1].dup().data().asFloat();
        assertArrayEquals(full, stack.runFrom(0, images).dup().data().asFloat(), "from the input");
        for (int k = 0; k < stack.size(); k++) {
            float[] rerun = stack.suffix(k, golden.activations()[k], golden, null).dup().data().asFloat();
            assertArrayEquals(full, rerun, "re-run after layer " + k + " (" + stack.names().get(k) + ")");
        }
    }

    @Test
    void aBatchOfFaultsGivesTheSameResultsAsEachFaultAlone() {
        SplittableRandom r = new SplittableRandom(5);
        for (int layer = 0; layer < stack.size() - 1; layer++) {
            List<Fault> faults = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                faults.add(new Fault(i, r.nextInt(golden.images()), r.nextInt(10), r.nextLong(golden.neurons(layer)),
                        r.nextInt(32)));
            }
            List<TrialResult> batched = engine.inject(golden, layer, faults);
            assertEquals(faults.size(), batched.size());
            for (int i = 0; i < faults.size(); i++) {
                TrialResult alone = engine.inject(golden, layer, List.of(faults.get(i))).get(0);
                TrialResult inBatch = batched.get(i);
                String where = "layer " + layer + " fault " + faults.get(i);
                assertEquals(alone.fault(), inBatch.fault(), where);
                assertEquals(alone.outcome(), inBatch.outcome(), where);
                assertEquals(alone.faultyTop1(), inBatch.faultyTop1(), where);
                assertEquals(alone.valueAfter(), inBatch.valueAfter(), where);
                assertClose(alone.faultyConfidence(), inBatch.faultyConfidence(), where);
                assertClose(alone.deltaLoss(), inBatch.deltaLoss(), where);
            }
        }
    }

    @Test
    void aBatchWithNoFaultReportsNoSdc() {
        for (int layer = 0; layer < stack.size() - 1; layer++) {
            List<Fault> faults = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                faults.add(new Fault(i, i % golden.images(), 0, i % golden.neurons(layer), 0));
            }
            for (TrialResult t : engine.inject(golden, layer, faults, (value, fault) -> value)) {
                assertEquals(Outcome.MASKED, t.outcome(), "layer " + layer + " " + t.fault());
                assertEquals(0f, t.deltaLoss(), "layer " + layer + " " + t.fault());
            }
        }
    }

    @Test
    void aFlippedLowBitOfAValueThatReluZeroedIsMasked() {
        INDArray conv1 = golden.activations()[0];
        long neurons = golden.neurons(0);
        INDArray flat = conv1.reshape('c', conv1.size(0), neurons);
        long zero = -1;
        for (long n = 0; n < neurons && zero < 0; n++) {
            if (flat.getFloat(0, n) == 0f) {
                zero = n;
            }
        }
        assertTrue(zero >= 0, "conv1 of image 0 has a neuron that ReLU set to zero");
        TrialResult t = engine.inject(golden, 0, List.of(new Fault(1, 0, 3, zero, 0))).get(0);
        assertEquals(0f, t.valueBefore());
        assertEquals(Float.MIN_VALUE, t.valueAfter());
        assertEquals(Outcome.MASKED, t.outcome());
        assertTrue(t.deltaLoss() < 1e-6f, "delta loss " + t.deltaLoss());
    }

    @Test
    void anInfiniteOrHugeLogitIsNonFiniteOrSdcNeverACrash() {
        int logits = stack.names().indexOf("logits");
        List<Fault> faults = new ArrayList<>();
        for (int img = 0; img < golden.images(); img++) {
            for (int c = 0; c < 10; c++) {
                faults.add(new Fault(faults.size(), img, c, c, 30));
            }
        }
        List<TrialResult> results = engine.inject(golden, logits, faults, (v, fault) -> Float.POSITIVE_INFINITY);
        for (TrialResult t : results) {
            assertTrue(t.outcome() == Outcome.NON_FINITE || t.outcome() == Outcome.SDC, t.toString());
        }
        assertTrue(results.stream().anyMatch(t -> t.outcome() == Outcome.NON_FINITE), "+Inf logit gives NaN softmax");
        for (TrialResult t : engine.inject(golden, logits, faults)) {
            assertNotEquals(null, t.outcome());
        }
    }

    @Test
    void faultsOutsideTheLayerAreRejected() {
        long neurons = golden.neurons(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.inject(golden, 0, List.of(new Fault(9, 0, 0, neurons, 1))));
        assertTrue(e.getMessage().contains("outside 0.." + (neurons - 1)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> engine.inject(golden, stack.size(), List.of()));
    }

    private static void assertClose(float expected, float actual, String where) {
        if (Float.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), where);
            return;
        }
        assertEquals(expected, actual, 1e-5f * Math.max(1f, Math.abs(expected)), where);
    }
}
