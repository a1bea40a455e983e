package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrialPlannerTest {
    private static final List<TargetLayer> LAYERS =
            List.of(new TargetLayer(0, "conv1", 2880, Float.NaN), new TargetLayer(2, "conv2", 800, Float.NaN),
                    new TargetLayer(5, "logits", 10, Float.NaN));

    private static CampaignSpec spec(long seed, List<Integer> bits) {
        return spec(seed, bits, "fp32", 1, "adjacent");
    }

    private static CampaignSpec spec(long seed, List<Integer> bits, String format, int k, String multiBit) {
        return new CampaignSpec("p", seed, "m.zip", new CampaignSpec.ImageSource("fashion-mnist", null, "test", 100),
                List.of("all"), 500, bits, format, "flip", k, multiBit, false, "activations", "out", false, 10, 64, null);
    }

    private static List<Trial> all(List<Shard> shards) {
        return shards.stream().flatMap(s -> s.trials().stream()).sorted((a, b) -> Long.compare(a.trialId(), b.trialId()))
                .toList();
    }

    @Test
    void theSameSeedGivesTheSameTrialsAndAnotherSeedOthers() {
        List<Trial> a = all(TrialPlanner.plan(spec(1, List.of()), LAYERS));
        List<Trial> b = all(TrialPlanner.plan(spec(1, List.of()), LAYERS));
        List<Trial> c = all(TrialPlanner.plan(spec(2, List.of()), LAYERS));
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void everyTrialIsPlannedOnceWithinBoundsAndInTheRightShard() {
        List<Shard> shards = TrialPlanner.plan(spec(3, List.of(30, 31)), LAYERS);
        List<Trial> trials = all(shards);
        assertEquals(1500, trials.size());
        Set<Long> ids = new HashSet<>();
        for (Trial t : trials) {
            assertTrue(ids.add(t.trialId()), "duplicate id " + t.trialId());
            TargetLayer layer = LAYERS.stream().filter(l -> l.index() == t.layerIndex()).findFirst().orElseThrow();
            assertTrue(t.neuronIndex() >= 0 && t.neuronIndex() < layer.neurons(), t.toString());
            assertTrue(t.imageIndex() >= 0 && t.imageIndex() < 100, t.toString());
            assertTrue(t.bit() == 30 || t.bit() == 31, t.toString());
        }
        for (Shard s : shards) {
            for (Trial t : s.trials()) {
                assertEquals(s.shardId(), t.imageIndex() / 10, "trial " + t + " in shard " + s.shardId());
            }
        }
        assertEquals(500, trials.stream().filter(t -> t.layerIndex() == 5).count());
    }

    @Test
    void multiBitMasksHaveKBitsInsideTheFormat() {
        for (String placement : List.of("adjacent", "random")) {
            for (Trial t : all(TrialPlanner.plan(spec(4, List.of(), "fp16", 3, placement), LAYERS))) {
                assertEquals(3, Integer.bitCount(t.mask()), placement + " " + t);
                assertTrue((t.mask() & ~0xFFFF) == 0, "inside 16 bits: " + t);
                assertEquals(Integer.numberOfTrailingZeros(t.mask()), t.bit());
                if (placement.equals("adjacent")) {
                    assertEquals(7 << t.bit(), t.mask(), "neighbouring bits: " + t);
                }
            }
        }
        List<Trial> int8 = all(TrialPlanner.plan(spec(4, List.of(), "int8", 1, "adjacent"), LAYERS));
        assertTrue(int8.stream().allMatch(t -> t.bit() < 8));
        assertTrue(int8.stream().anyMatch(t -> t.bit() == 7));
    }

    @Test
    void aTrialReplaysAloneFromSeedAndId() {
        List<Trial> trials = all(TrialPlanner.plan(spec(9, List.of()), LAYERS));
        Trial t = trials.get(777);
        TargetLayer layer = LAYERS.get((int) (t.trialId() / 500));
        assertEquals(t, TrialPlanner.draw(9, t.trialId(), layer, 100, spec(9, List.of()).bitChoices(), 1, 32, false));
    }
}
