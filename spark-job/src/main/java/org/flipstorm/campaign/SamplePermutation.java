package org.flipstorm.campaign;

/**
 * A keyed pseudo-random permutation of {@code [0, n)}: a four-round Feistel network on the smallest
 * even-width power of two holding n, with cycle walking back into range. Position k of a group's
 * trials maps to a distinct fault site {@code index(key, k, n)}, so the first m positions are a
 * uniform sample of m sites drawn without replacement, and any trial can be computed alone from
 * (key, k). With m = n the group runs exhaustively, every site once.
 */
final class SamplePermutation {
    private SamplePermutation() {}

    /** The image of {@code k} (0 <= k < n) under the permutation keyed by {@code key}. */
    static long index(long key, long k, long n) {
        if (k < 0 || k >= n) {
            throw new IllegalArgumentException("position " + k + " outside 0.." + (n - 1));
        }
        if (n == 1) {
            return 0;
        }
        int bits = 64 - Long.numberOfLeadingZeros(n - 1);
        int half = (bits + 1) / 2;
        long mask = (1L << half) - 1;
        long x = k;
        do {
            long left = x >>> half;
            long right = x & mask;
            for (int round = 0; round < 4; round++) {
                long f = mix(key + round, right) & mask;
                long next = left ^ f;
                left = right;
                right = next;
            }
            x = (left << half) | right;
        } while (x >= n);
        return x;
    }

    /** Stafford's variant 13 of the SplitMix64 finaliser over (seed, id): well-spread, cheap, stable. */
    static long mix(long seed, long id) {
        long z = seed * 0x9E3779B97F4A7C15L + id;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
