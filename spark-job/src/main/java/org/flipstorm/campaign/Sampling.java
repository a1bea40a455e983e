package org.flipstorm.campaign;

import java.io.Serializable;
import java.util.Locale;

/**
 * How many trials each group of a campaign gets.
 *
 * @param target {@code trials} (a fixed count per group, the spec's {@code trials-per-layer}) or
 *     {@code margin} (the count for a margin of error at a confidence, Leveugle et al. 2009)
 * @param margin margin of error of a group's SDC rate, e.g. 0.01 for +-1% (with {@code margin})
 * @param confidence confidence of that margin, e.g. 0.95
 * @param groups {@code layer}: one group per (model, layer); {@code layer_bit}: one per (model, layer, bit)
 * @param eligible {@code correct}: trials only on images the clean model classifies correctly;
 *     {@code all}: every image of the source
 */
public record Sampling(String target, double margin, double confidence, String groups, String eligible)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Target: a fixed count per group. */
    public static final String TRIALS = "trials";
    /** Target: a margin of error at a confidence. */
    public static final String MARGIN = "margin";
    /** Groups by layer. */
    public static final String BY_LAYER = "layer";
    /** Groups by layer and bit. */
    public static final String BY_LAYER_BIT = "layer_bit";
    /** Eligible images: correctly classified by the clean model. */
    public static final String CORRECT = "correct";
    /** Eligible images: all. */
    public static final String ALL = "all";

    /** Defaults: fixed counts per layer, trials on correctly classified images only. */
    public static final Sampling DEFAULT = new Sampling(TRIALS, 0.01, 0.95, BY_LAYER, CORRECT);

    /** Checks every field; messages name the bad value and the expected form. */
    public Sampling {
        oneOf("sampling.target", target, TRIALS, MARGIN);
        oneOf("sampling.groups", groups, BY_LAYER, BY_LAYER_BIT);
        oneOf("sampling.eligible", eligible, CORRECT, ALL);
        if (!(margin > 0 && margin < 0.5)) {
            throw new IllegalArgumentException("sampling.margin " + margin + " must be in (0, 0.5), e.g. 0.01 for +-1%");
        }
        if (!(confidence > 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("sampling.confidence " + confidence + " must be in (0.5, 1), e.g. 0.95");
        }
    }

    /** True when groups are split by bit. */
    public boolean byBit() {
        return groups.equals(BY_LAYER_BIT);
    }

    /** Stable text for the campaign identity. */
    public String identity() {
        return String.format(Locale.ROOT, "%s/%.6f/%.6f/%s/%s", target, margin, confidence, groups, eligible);
    }

    private static void oneOf(String key, String v, String... allowed) {
        for (String a : allowed) {
            if (a.equals(v)) {
                return;
            }
        }
        throw new IllegalArgumentException(key + " '" + v + "' unknown; expected one of " + String.join(", ", allowed));
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
        double t = org.apache.commons.math3.special.Erf.erfInv(confidence) * Math.sqrt(2);
        double p = 0.5;
        double n = population / (1 + e * e * (population - 1) / (t * t * p * (1 - p)));
        return Math.min(population, (long) Math.ceil(n - 1e-9));
    }
}
