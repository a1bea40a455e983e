package org.flipstorm.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Plans a campaign: its groups, how many trials each gets, which fault sites they hit, and the
 * shards that run them.
 *
 * <p>A group is a (layer) or (layer, bit) of the model; its population is every fault site it has:
 * eligible images x neurons x bits. Its size is either the spec's fixed count or, for a margin of
 * error, Leveugle et al.'s sample size with the finite-population correction; a group whose
 * population is not larger than its size runs exhaustively. Trial k of a group hits site
 * {@link SamplePermutation#index} (k): distinct sites, a uniform sample without replacement, and
 * each trial computable alone from (seed, group, k). Trial ids number the groups' trials one group
 * after another.
 */
public final class TrialPlanner {
    private TrialPlanner() {}

    /** The groups of a campaign over {@code eligibleImages} images, with their sizes. */
    public static List<TrialGroup> groups(CampaignSpec spec, List<TargetLayer> layers, int eligibleImages) {
        Sampling s = spec.sampling();
        int[] bits = spec.bitChoices();
        List<TrialGroup> out = new ArrayList<>();
        long next = 0;
        for (TargetLayer layer : layers) {
            int[] groupBits = s.byBit() ? bits : new int[] {-1};
            for (int bit : groupBits) {
                long population = Math.multiplyExact(Math.multiplyExact((long) eligibleImages, layer.neurons()),
                        bit >= 0 ? 1 : bits.length);
                long n = s.target() == Sampling.Target.TRIALS ? Math.min(spec.trialsPerLayer(), population)
                        : Sampling.leveugle(population, s.margin(), s.confidence());
                out.add(new TrialGroup(out.size(), layer, bit, population, n, next));
                next += n;
            }
        }
        return out;
    }

    /**
     * Trial {@code k} of {@code group}: the k-th site of the group's permutation, decoded into
     * (image, neuron, bit), and the mask of the bits it hits.
     *
     * @param eligible dataset indices of the eligible images
     */
    public static Trial trial(CampaignSpec spec, TrialGroup group, long k, int[] eligible) {
        int[] bits = spec.bitChoices();
        long key = SamplePermutation.mix(spec.seed(), group.groupId() + 0x5EEDL);
        long site = SamplePermutation.index(key, k, group.population());
        int b = group.bit() >= 0 ? 1 : bits.length;
        int first = group.bit() >= 0 ? group.bit() : bits[(int) (site % b)];
        long rest = site / b;
        long neuron = rest % group.layer().neurons();
        int image = eligible[(int) (rest / group.layer().neurons())];
        long id = group.firstTrialId() + k;
        int mask = mask(spec, first, id, bits);
        return new Trial(id, image, group.layer().index(), neuron, Integer.numberOfTrailingZeros(mask), mask,
                group.groupId());
    }

    /**
     * The bits a fault hits, the first one being {@code first}: k neighbours shifted down to fit in
     * the format, or k distinct bits drawn (from (seed, trial id)) among {@code bitChoices}.
     */
    private static int mask(CampaignSpec spec, int first, long trialId, int[] bitChoices) {
        int k = spec.bitsPerFault();
        if (k == 1) {
            return 1 << first;
        }
        if (spec.multiBit() != CampaignSpec.MultiBit.RANDOM) {
            int start = Math.min(first, spec.format().bits() - k);
            return (int) (((1L << k) - 1) << start);
        }
        SplittableRandom r = new SplittableRandom(SamplePermutation.mix(spec.seed(), trialId));
        int[] pool = bitChoices.clone();
        int mask = 1 << first;
        int chosen = 1;
        for (int i = 0; i < pool.length && chosen < k; i++) {
            int j = i + r.nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
            if ((mask & (1 << pool[i])) == 0) {
                mask |= 1 << pool[i];
                chosen++;
            }
        }
        return mask;
    }

    /** Plans every trial over every image of the source (tests, and campaigns with eligible = all). */
    public static List<Shard> plan(CampaignSpec spec, List<TargetLayer> layers) {
        return plan(spec, groups(spec, layers, spec.images().count()),
                java.util.stream.IntStream.range(0, spec.images().count()).toArray());
    }

    /**
     * Draws every trial of {@code groups} and packs them by image block: shard {@code s} holds the
     * trials whose image falls in {@code [s * imagesPerShard, (s + 1) * imagesPerShard)}, so one
     * clean pass of the block serves all its trials. Shards without trials are left out.
     */
    public static List<Shard> plan(CampaignSpec spec, List<TrialGroup> groups, int[] eligible) {
        return plan(spec, groups.stream().map(g -> new RoundSchedule.Slice(g, 0, g.trials())).toList(), eligible, 0);
    }

    /** Shards of one round: the image blocks of the campaign's images. */
    public static int shardsPerRound(CampaignSpec spec) {
        return (spec.images().count() + spec.imagesPerShard() - 1) / spec.imagesPerShard();
    }

    /**
     * Packs the trials of {@code slices} (round {@code round} of an adaptive campaign; round 0 holds
     * every trial of a fixed one) by image block, as {@link #plan(CampaignSpec, List, int[])}; the
     * shard of block {@code s} gets id {@code round * shardsPerRound + s}, unique across rounds.
     */
    public static List<Shard> plan(CampaignSpec spec, List<RoundSchedule.Slice> slices, int[] eligible, int round) {
        int shardCount = shardsPerRound(spec);
        List<List<Trial>> byShard = new ArrayList<>();
        for (int s = 0; s < shardCount; s++) {
            byShard.add(new ArrayList<>());
        }
        for (RoundSchedule.Slice slice : slices) {
            for (long k = slice.from(); k < slice.to(); k++) {
                Trial t = trial(spec, slice.group(), k, eligible);
                byShard.get(t.imageIndex() / spec.imagesPerShard()).add(t);
            }
        }
        List<Shard> shards = new ArrayList<>();
        for (int s = 0; s < shardCount; s++) {
            List<Trial> trials = byShard.get(s);
            if (trials.isEmpty()) {
                continue;
            }
            TreeSet<Integer> images = new TreeSet<>();
            trials.forEach(t -> images.add(t.imageIndex()));
            shards.add(new Shard(Math.addExact(Math.multiplyExact(round, shardCount), s),
                    images.stream().mapToInt(Integer::intValue).toArray(), trials));
        }
        return shards;
    }

}
