package org.flipstorm.zoo.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NativeCollectorTest {
    @Test
    void collectsOncePerIntervalAndNeverWhenBothLimitsAreZero() throws InterruptedException {
        NativeCollector off = new NativeCollector(0, 0);
        for (int i = 0; i < 5; i++) {
            assertFalse(off.tick());
        }
        assertEquals(0, off.collections());

        NativeCollector seldom = new NativeCollector(3600, 0);
        assertFalse(seldom.tick(), "the interval counts from creation");
        assertEquals(0, seldom.collections());

        NativeCollector often = new NativeCollector(0.05, 0);
        assertFalse(often.tick());
        Thread.sleep(80);
        assertTrue(often.tick());
        assertFalse(often.tick(), "the interval restarts after a collection");
        Thread.sleep(80);
        assertTrue(often.tick());
        assertEquals(2, often.collections());
    }

    @Test
    void collectsOnceNativeMemoryHasGrownByTheBudget() {
        NativeCollector budget = new NativeCollector(3600, 64L << 20);
        assertFalse(budget.tick());
        // 128 MiB of native buffers, written so that their pages are resident, and kept reachable.
        List<INDArray> kept = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            kept.add(Nd4j.zeros(DataType.FLOAT, 4L << 20).addi(1));
        }
        assertTrue(budget.tick(), "128 MiB grown against a 64 MiB budget");
        assertEquals(1, budget.collections());
        // Still reachable, so the collection freed nothing: the budget counts from after it.
        assertFalse(budget.tick(), "no growth since the collection");
        assertEquals(8.0 * (4L << 20), kept.stream().mapToDouble(a -> a.sumNumber().doubleValue()).sum());
    }

    @Test
    void rejectsLimitsThatAreNotATimeOrASize() {
        for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new NativeCollector(bad, 0));
            assertTrue(e.getMessage().contains("expected 0 (never) or more"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new NativeCollector(1, -1));
        assertTrue(e.getMessage().contains("growth budget -1 bytes"), e.getMessage());
    }
}
