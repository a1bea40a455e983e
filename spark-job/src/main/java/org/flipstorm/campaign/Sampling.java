package org.flipstorm.campaign;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.util.Locale;
import org.flipstorm.common.Choice;
import org.flipstorm.common.stats.Intervals;

/**
 * How many trials each group of a campaign gets.
 *
 * @param target {@code trials} (a fixed count per group, the spec's {@code trials-per-layer}) or
 *     {@code margin} (the count for a margin of error at a confidence, Leveugle et al. 2009)
 * @param margin margin of error of a group's SDC rate, e.g. 0.01 for +-1% (with {@code margin})
 * @param confidence confidence of that margin, e.g. 0.95
 * @param groups {@code layer}: one group per (model, layer); {@code layer_bit}: one per (model, layer, bit)
 * @param eligible {@code correct}: trials only on images the clean model classifies correctly;
 *     {@code correct-margin}: correct and with a clean top2diff > 0 (GoldenEye's rule);
 *     {@code all}: every image of the source
 * @param adaptive with {@code margin}: run each group's trials in rounds and stop the group as soon
 *     as the Wilson interval of its SDC rate is no wider than +-margin (see {@link RoundSchedule})
 * @param firstRound trials per group in the first adaptive round
 * @param growth factor by which each adaptive round's cumulative trial count grows
 * @param holdout fraction of the source's images that may be drawn at all, in (0, 1]: a seeded
 *     random subset, like GoldenEye's 20% "deployment" split of the test set (1 = every image)
 * @param holdoutSeed seed of that subset (GoldenEye used 9001 with Python's generator; the
 *     subset here comes from {@code SplittableRandom}, so it is not the same images)
 */
public record Sampling(Target target, double margin, double confidence, Groups groups, Eligible eligible,
                       boolean adaptive, long firstRound, double growth, double holdout, long holdoutSeed)
        implements Serializable {
    private static final long serialVersionUID = 2L;

    /** How the trial count of a group is set. */
    public enum Target implements Choice {
        /** A fixed count per group (the spec's {@code trials-per-layer}). */
        TRIALS,
        /** The count for a margin of error at a confidence (Leveugle et al. 2009). */
        MARGIN;

        @Override
        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The id, so that messages and logs spell a choice as configs do. */
        @Override
        public String toString() {
            return id();
        }
    }

    /** What a group is. */
    public enum Groups implements Choice {
        /** One group per (model, layer). */
        LAYER,
        /** One group per (model, layer, bit). */
        LAYER_BIT;

        @Override
        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The id, so that messages and logs spell a choice as configs do. */
        @Override
        public String toString() {
            return id();
        }
    }

    /** Which images trials may use. */
    public enum Eligible implements Choice {
        /** Images the clean model classifies correctly. */
        CORRECT,
        /** Correctly classified with a clean top2diff > 0 (GoldenEye's rule). */
        CORRECT_MARGIN,
        /** Every image of the source. */
        ALL;

        @Override
        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The id, so that messages and logs spell a choice as configs do. */
        @Override
        public String toString() {
            return id();
        }
    }

    /** Checks every field; messages name the bad value and the expected form. */
    public Sampling {
        if (target == null || groups == null || eligible == null) {
            throw new IllegalArgumentException("sampling.target, sampling.groups and sampling.eligible are required;"
                    + " expected e.g. trials, layer and correct");
        }
        if (!(holdout > 0 && holdout <= 1)) {
            throw new IllegalArgumentException("sampling.holdout " + holdout + " must be in (0, 1], e.g. 0.2 for"
                    + " GoldenEye's 20% split; 1 draws from every image");
        }
        if (!(margin > 0 && margin < 0.5)) {
            throw new IllegalArgumentException("sampling.margin " + margin + " must be in (0, 0.5), e.g. 0.01 for +-1%");
        }
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("sampling.confidence " + confidence + " must be in (0.5, 1), e.g. 0.95");
        }
        if (adaptive && target != Target.MARGIN) {
            throw new IllegalArgumentException("sampling.adaptive = true stops each group at a margin of error, so it"
                    + " needs sampling.target = margin (now '" + target.id() + "')");
        }
        if (firstRound < 1) {
            throw new IllegalArgumentException("sampling.first-round " + firstRound + " must be a positive number of"
                    + " trials per group, e.g. 200");
        }
        if (!(growth > 1 && growth <= 16)) {
            throw new IllegalArgumentException("sampling.growth " + growth + " must be in (1, 16], e.g. 1.5: each"
                    + " adaptive round runs up to growth times the trials of all rounds before it");
        }
    }

    /**
     * The images of a source of {@code count} that the held-out split keeps, ascending: the first
     * round(holdout x count) of a seeded permutation (all of them when holdout = 1).
     */
    public int[] heldOut(int count) {
        if (holdout >= 1) {
            return java.util.stream.IntStream.range(0, count).toArray();
        }
        int[] order = java.util.stream.IntStream.range(0, count).toArray();
        java.util.SplittableRandom r = new java.util.SplittableRandom(holdoutSeed);
        for (int i = count - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int keep = Math.max(1, (int) Math.round(holdout * count));
        int[] out = java.util.Arrays.copyOf(order, keep);
        java.util.Arrays.sort(out);
        return out;
    }

    /** True when groups are split by bit. */
    public boolean byBit() {
        return groups == Groups.LAYER_BIT;
    }

    /** Stable text for the campaign identity. */
    public String identity() {
        String fixed = String.format(Locale.ROOT, "%s/%.6f/%.6f/%s/%s", target.id(), margin, confidence, groups.id(),
                eligible.id());
        // Campaigns without adaptive stop keep the identity (and campaign id) they had before it existed.
        String id = adaptive ? fixed + String.format(Locale.ROOT, "/adaptive/%d/%.6f", firstRound, growth) : fixed;
        return holdout < 1 ? id + String.format(Locale.ROOT, "/holdout/%.6f/%d", holdout, holdoutSeed) : id;
    }

    /**
     * Sample size for a population of {@code population} fault sites, margin {@code e} and
     * confidence {@code confidence}, worst case p = 0.5 (Leveugle, Calvez, Maistri, Vanhauwaert,
     * "Statistical fault injection: quantified error and confidence", DATE 2009, eq. 3, with the
     * finite-population correction): n = N / (1 + e^2 (N - 1) / (t^2 p (1 - p))).
     */
    public static long leveugle(long population, double e, double confidence) {
        if (population < 1) {
            return 0;
        }
        double t = Intervals.zScore(confidence);
        double p = 0.5;
        double n = population / (1 + e * e * (population - 1) / (t * t * p * (1 - p)));
        return Math.min(population, (long) Math.ceil(n - 1e-9));
    }
}
