package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.flipstorm.common.Choice;
import org.flipstorm.inject.DetectorMode;
import org.flipstorm.inject.FaultOp;
import org.flipstorm.inject.NumberFormat;
import org.junit.jupiter.api.Test;

class TrialPlannerTest {
    private static final List<TargetLayer> LAYERS =
            List.of(new TargetLayer(0, "conv1", 2880, Float.NaN), new TargetLayer(2, "conv2", 800, Float.NaN),
                    new TargetLayer(5, "logits", 10, Float.NaN));

    private static CampaignSpec spec(long seed, List<Integer> bits) {
        return spec(seed, bits, "fp32", 1, "adjacent");
    }

    private static CampaignSpec spec(long seed, List<Integer> bits, String format, int k, String multiBit) {
        return new CampaignSpec("p", seed, "m.zip", new CampaignSpec.ImageSource("fashion-mnist", null,
                CampaignSpec.Split.TEST, 100), List.of("all"), 500, bits, NumberFormat.byId(format), FaultOp.FLIP, k,
                Choice.parse(CampaignSpec.MultiBit.class, "multi-bit", multiBit), DetectorMode.NONE,
                CampaignSpec.Target.ACTIVATIONS, "out", false, 10, 64, 1e-4, true, "local[2]", Fixtures.defaultSampling());
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
    void aTrialReplaysAloneFromSeedGroupAndPosition() {
        CampaignSpec spec = spec(9, List.of());
        List<Trial> trials = all(TrialPlanner.plan(spec, LAYERS));
        Trial t = trials.get(777);
        List<TrialGroup> groups = TrialPlanner.groups(spec, LAYERS, 100);
        TrialGroup g = groups.get((int) (t.trialId() / 500));
        int[] all = java.util.stream.IntStream.range(0, 100).toArray();
        assertEquals(t, TrialPlanner.trial(spec, g, t.trialId() - g.firstTrialId(), all));
    }

    @Test
    void leveuglesSampleSizesMatchHandComputedValues() {
        // infinite-population limit at +-1%, 95%: 1.96^2 * 0.25 / 0.01^2 = 9,604 (9,603.6 rounded up)
        assertEquals(9_604, Sampling.leveugle(Long.MAX_VALUE / 4, 0.01, 0.95));
        // N = 10,000: 10000 / (1 + 1e-4 * 9999 / (1.959964^2 * 0.25)) = 4,899.0..
        assertEquals(4_900, Sampling.leveugle(10_000, 0.01, 0.95));
        // +-5% at 99% for N = 1,000: 1000 / (1 + 0.0025 * 999 / (2.575829^2 * 0.25)) = 399.1..
        assertEquals(400, Sampling.leveugle(1_000, 0.05, 0.99));
        assertEquals(7, Sampling.leveugle(7, 0.01, 0.95), "never more than the population");
    }

    @Test
    void theSamplePermutationIsABijectionSoSmallGroupsRunExhaustively() {
        for (long n : new long[] {1, 2, 3, 10, 97, 1000}) {
            Set<Long> seen = new HashSet<>();
            for (long k = 0; k < n; k++) {
                long x = SamplePermutation.index(12345, k, n);
                assertTrue(x >= 0 && x < n);
                assertTrue(seen.add(x), "n " + n + ": " + x + " twice");
            }
        }
        // logits: 10 neurons x 2 bits x 3 eligible images = 60 sites < 500 planned: all 60, once each
        CampaignSpec spec = spec(5, List.of(30, 31));
        TrialGroup logits = TrialPlanner.groups(spec, LAYERS, 3).get(2);
        assertEquals(60, logits.population());
        assertTrue(logits.exhaustive());
        int[] eligible = {4, 17, 99};
        Set<String> sites = new HashSet<>();
        for (long k = 0; k < logits.trials(); k++) {
            Trial t = TrialPlanner.trial(spec, logits, k, eligible);
            assertTrue(t.imageIndex() == 4 || t.imageIndex() == 17 || t.imageIndex() == 99, t.toString());
            assertTrue(sites.add(t.imageIndex() + "/" + t.neuronIndex() + "/" + t.bit()), "site twice: " + t);
        }
    }

    @Test
    void aMarginTargetSizesEveryGroupAndBitGroupsFixTheirBit() {
        CampaignSpec base = spec(3, List.of(30, 31));
        CampaignSpec spec = new CampaignSpec(base.name(), base.seed(), base.model(), base.images(), base.layers(),
                1, base.bits(), base.format(), base.faultModel(), 1, base.multiBit(), DetectorMode.NONE, base.target(),
                base.output(), false, 10, 64, 1e-4, true, "local[2]", new Sampling(Sampling.Target.MARGIN, 0.05, 0.95,
                Sampling.Groups.LAYER_BIT, Sampling.Eligible.ALL, false, 200, 1.5, 1.0, 9001));
        List<TrialGroup> groups = TrialPlanner.groups(spec, LAYERS, 100);
        assertEquals(6, groups.size(), "3 layers x 2 bits");
        TrialGroup conv1bit31 = groups.get(1);
        assertEquals(31, conv1bit31.bit());
        assertEquals(100L * 2880, conv1bit31.population());
        assertEquals(Sampling.leveugle(288_000, 0.05, 0.95), conv1bit31.trials());
        assertEquals(groups.get(0).trials(), conv1bit31.firstTrialId());
        for (long k = 0; k < 50; k++) {
            assertEquals(31, TrialPlanner.trial(spec, conv1bit31, k,
                    java.util.stream.IntStream.range(0, 100).toArray()).bit());
        }
        // logits bit 31: 1,000 sites, +-5% at 95% needs 1000 / (1 + 0.0025 * 999 / 0.960365) = 277.7..
        assertEquals(278, groups.get(5).trials());
    }
}
