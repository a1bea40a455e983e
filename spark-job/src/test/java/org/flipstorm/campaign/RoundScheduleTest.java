package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundScheduleTest {
    private static final Sampling ADAPTIVE = new Sampling(Sampling.Target.MARGIN, 0.01, 0.95,
            Sampling.Groups.LAYER, Sampling.Eligible.ALL, true, 200, 1.5, 1.0, 9001);

    private static TrialGroup group(int id, long trials) {
        return new TrialGroup(id, new TargetLayer(id, "l" + id, 1000, Float.NaN), -1, 1_000_000, trials,
                id * 100_000L);
    }

    @Test
    void roundsGrowGeometricallyAndEndExactlyAtTheFixedPlan() {
        long[] expected = {200, 300, 450, 675, 1013, 1519, 2279, 3418, 5126, 7689, 9604};
        for (int r = 0; r < expected.length; r++) {
            assertEquals(expected[r], RoundSchedule.cumulative(ADAPTIVE, 9604, r), "round " + r);
        }
        assertEquals(0, RoundSchedule.cumulative(ADAPTIVE, 9604, -1));
        assertEquals(11, RoundSchedule.rounds(ADAPTIVE, 9604));
        assertEquals(1, RoundSchedule.rounds(ADAPTIVE, 150), "a group smaller than the first round runs at once");
        assertEquals(150, RoundSchedule.cumulative(ADAPTIVE, 150, 0));
    }

    @Test
    void wilsonHalfWidthMatchesTheHandComputedInterval() {
        // 10 of 100 at 95%: Wilson interval (0.05523, 0.17437), half-width 0.05957
        assertEquals(0.05957, RoundSchedule.wilsonHalfWidth(10, 100, 0.95), 1e-5);
        // 0 of 200: (0, z^2 / (n + z^2)) = (0, 0.01884), half-width 0.00942
        assertEquals(0.00942, RoundSchedule.wilsonHalfWidth(0, 200, 0.95), 1e-5);
        assertEquals(0.5, RoundSchedule.wilsonHalfWidth(0, 0, 0.95));
        assertTrue(RoundSchedule.wilsonHalfWidth(10, 100, 0.99) > RoundSchedule.wilsonHalfWidth(10, 100, 0.95));
    }

    @Test
    void aGroupStopsOnceItsIntervalIsNarrowAndTheOthersGoOn() {
        TrialGroup rare = group(0, 9604);
        TrialGroup common = group(1, 9604);
        List<TrialGroup> groups = List.of(rare, common);
        List<RoundSchedule.Slice> first = RoundSchedule.slices(ADAPTIVE, groups, Map.of(), 0);
        assertEquals(List.of(new RoundSchedule.Slice(rare, 0, 200), new RoundSchedule.Slice(common, 0, 200)), first);
        // after round 0: no SDC in 200 (half-width 0.0094 <= 0.01) vs 60 in 200 (half-width 0.063)
        Map<Integer, RoundSchedule.Count> after0 = Map.of(0, new RoundSchedule.Count(200, 0), 1,
                new RoundSchedule.Count(200, 60));
        assertEquals(List.of(new RoundSchedule.Slice(common, 200, 300)),
                RoundSchedule.slices(ADAPTIVE, groups, after0, 1));
        // later rounds keep the stopped group stopped
        Map<Integer, RoundSchedule.Count> after1 = Map.of(0, new RoundSchedule.Count(200, 0), 1,
                new RoundSchedule.Count(300, 90));
        assertEquals(List.of(new RoundSchedule.Slice(common, 300, 450)),
                RoundSchedule.slices(ADAPTIVE, groups, after1, 2));
        // a group whose fixed plan is done stops whatever its interval
        TrialGroup small = group(2, 300);
        assertEquals(List.of(), RoundSchedule.slices(ADAPTIVE, List.of(small),
                Map.of(2, new RoundSchedule.Count(300, 150)), 2));
    }

    @Test
    void countsThatDoNotMatchTheScheduleAreRefused() {
        TrialGroup g = group(0, 9604);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RoundSchedule.slices(ADAPTIVE,
                List.of(g), Map.of(0, new RoundSchedule.Count(250, 100)), 1));
        assertTrue(e.getMessage().contains("group 0 has 250 committed trials before round 1 but the schedule gives 200"),
                e.getMessage());
        // fewer trials than the schedule, yet not finished: an earlier round is incomplete
        assertThrows(IllegalStateException.class, () -> RoundSchedule.slices(ADAPTIVE, List.of(g),
                Map.of(0, new RoundSchedule.Count(200, 100)), 2));
    }

    @Test
    void adaptiveStopNeedsAMarginTargetAndSaneRounds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sampling(Sampling.Target.TRIALS,
                0.01, 0.95, Sampling.Groups.LAYER, Sampling.Eligible.ALL, true, 200, 1.5, 1.0, 9001));
        assertTrue(e.getMessage().contains("needs sampling.target = margin"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sampling(Sampling.Target.MARGIN, 0.01, 0.95,
                Sampling.Groups.LAYER, Sampling.Eligible.ALL, true, 0, 1.5, 1.0, 9001));
        e = assertThrows(IllegalArgumentException.class, () -> new Sampling(Sampling.Target.MARGIN, 0.01, 0.95,
                Sampling.Groups.LAYER, Sampling.Eligible.ALL, true, 200, 1.0, 1.0, 9001));
        assertTrue(e.getMessage().contains("sampling.growth 1.0 must be in (1, 16]"), e.getMessage());
        assertEquals("trials/0.010000/0.950000/layer/correct", Fixtures.defaultSampling().identity(),
                "campaigns without adaptive stop or hold-out keep their ids");
    }
}
