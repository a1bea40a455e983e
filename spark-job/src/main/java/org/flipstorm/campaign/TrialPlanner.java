package org.flipstorm.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Draws a campaign's trials from its seed and packs them into shards.
 *
 * <p>Trial {@code t}'s image, neuron and bit come from a generator seeded by (campaign seed,
 * {@code t}) alone, so any trial can be replayed without the others and the same spec always gives
 * the same trials, whatever the cluster. Trial ids run layer by layer: the k-th trial of the i-th
 * selected layer has id {@code i * trialsPerLayer + k}.
 */
public final class TrialPlanner {
    private TrialPlanner() {}

    /** The single-bit trial with id {@code trialId} of a layer, drawn over {@code imageCount} images. */
    public static Trial draw(long seed, long trialId, TargetLayer layer, int imageCount, int[] bitChoices) {
        return draw(seed, trialId, layer, imageCount, bitChoices, 1, 32, false);
    }

    /**
     * The trial with id {@code trialId}: image, neuron, and the {@code k} bits it hits, either
     * neighbours of a drawn bit (shifted down to fit in {@code width} bits) or {@code k} distinct
     * bits drawn from {@code bitChoices}.
     */
    public static Trial draw(long seed, long trialId, TargetLayer layer, int imageCount, int[] bitChoices, int k,
                             int width, boolean randomBits) {
        SplittableRandom r = new SplittableRandom(mix(seed, trialId));
        int image = r.nextInt(imageCount);
        long neuron = r.nextLong(layer.neurons());
        int first = bitChoices[r.nextInt(bitChoices.length)];
        int mask;
        if (k == 1) {
            mask = 1 << first;
        } else if (!randomBits) {
            int start = Math.min(first, width - k);
            mask = (int) (((1L << k) - 1) << start);
        } else {
            int[] pool = bitChoices.clone();
            mask = 1 << first;
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
        }
        return new Trial(trialId, image, layer.index(), neuron, Integer.numberOfTrailingZeros(mask), mask);
    }

    /**
     * Plans every trial of the campaign and packs them by image block: shard {@code s} holds the
     * trials whose image falls in {@code [s * imagesPerShard, (s + 1) * imagesPerShard)}.
     * Shards without trials are left out.
     */
    public static List<Shard> plan(CampaignSpec spec, List<TargetLayer> layers) {
        int imageCount = spec.images().count();
        int[] bits = spec.bitChoices();
        int shardCount = (imageCount + spec.imagesPerShard() - 1) / spec.imagesPerShard();
        List<List<Trial>> byShard = new ArrayList<>();
        for (int s = 0; s < shardCount; s++) {
            byShard.add(new ArrayList<>());
        }
        for (int i = 0; i < layers.size(); i++) {
            for (int k = 0; k < spec.trialsPerLayer(); k++) {
                long id = (long) i * spec.trialsPerLayer() + k;
                Trial t = draw(spec.seed(), id, layers.get(i), imageCount, bits, spec.bitsPerFault(),
                        spec.numberFormat().bits(), spec.multiBit().equals(CampaignSpec.MULTI_BIT_RANDOM));
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
            shards.add(new Shard(s, images.stream().mapToInt(Integer::intValue).toArray(), trials));
        }
        return shards;
    }

    /** Stafford's variant 13 of the SplitMix64 finaliser over (seed, id): well-spread, cheap, stable. */
    static long mix(long seed, long id) {
        long z = seed * 0x9E3779B97F4A7C15L + id;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
