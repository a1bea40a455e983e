package org.flipstorm.common.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IntervalsTest {
    @Test
    void zScoresOfCommonConfidences() {
        assertEquals(1.959964, Intervals.zScore(0.95), 1e-5);
        assertEquals(2.575829, Intervals.zScore(0.99), 1e-5);
        assertEquals(1.644854, Intervals.zScore(0.90), 1e-5);
    }

    @Test
    void wilsonMatchesHandComputedIntervals() {
        // p = 0.1, n = 100, z = 1.959964: centre (0.1 + z^2/200) / (1 + z^2/100) = 0.11470,
        // half-width z * sqrt(0.0009 + z^2/40000) / (1 + z^2/100) = 0.05947.
        Intervals.Interval a = Intervals.wilson(10, 100, 0.95);
        assertEquals(0.055229, a.low(), 1e-5);
        assertEquals(0.174366, a.high(), 1e-5);

        Intervals.Interval zero = Intervals.wilson(0, 50, 0.95);
        assertEquals(0.0, zero.low(), 1e-12);
        assertEquals(0.071348, zero.high(), 1e-5);

        Intervals.Interval rare = Intervals.wilson(3, 4000, 0.99);
        assertEquals(0.000189, rare.low(), 1e-6);
        assertEquals(0.002964, rare.high(), 1e-6);

        Intervals.Interval all = Intervals.wilson(50, 50, 0.95);
        assertEquals(0.928652, all.low(), 1e-5);
        assertEquals(1.0, all.high(), 1e-12);
    }

    @Test
    void impossibleCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Intervals.wilson(5, 0, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Intervals.wilson(6, 5, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Intervals.zScore(1.0));
    }

    @Test
    void halfWidthIsTheUnclippedOne() {
        Intervals.Interval a = Intervals.wilson(10, 100, 0.95);
        assertEquals(a.halfWidth(), Intervals.wilsonHalfWidth(10, 100, 0.95), 1e-12);
        // at 0 successes the centre equals the half-width, so the upper bound is twice it
        assertEquals(0.071348 / 2, Intervals.wilsonHalfWidth(0, 50, 0.95), 1e-5);
        assertEquals(0.5, Intervals.wilsonHalfWidth(0, 0, 0.95), 0);
    }
}
