package org.flipstorm.common.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/** Confidence intervals for rates, shared by the adaptive sampler and the analysis. */
public final class Intervals {
    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    private Intervals() {}

    /**
     * An interval.
     *
     * @param low lower bound
     * @param high upper bound
     */
    public record Interval(double low, double high) {
        /** Half the width. */
        public double halfWidth() {
            return (high - low) / 2;
        }
    }

    /**
     * Wilson score interval for {@code successes} out of {@code n} at two-sided confidence
     * {@code confidence} (e.g. 0.95). Well-behaved at rates of 0 and 1, unlike the normal
     * approximation, which matters because most layers' SDC rates are close to 0.
     */
    public static Interval wilson(long successes, long n, double confidence) {
        if (n <= 0) {
            throw new IllegalArgumentException("n " + n + " must be > 0");
        }
        if (successes < 0 || successes > n) {
            throw new IllegalArgumentException("successes " + successes + " outside 0.." + n);
        }
        double z = zScore(confidence);
        double p = successes / (double) n;
        double z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = wilsonHalfWidth(successes, n, confidence);
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /**
     * Half-width of the Wilson score interval before it is clipped to [0, 1] (Wilson 1927): what
     * the adaptive sampler compares with its margin; 0.5 with no trials.
     */
    public static double wilsonHalfWidth(long successes, long n, double confidence) {
        if (n == 0) {
            return 0.5;
        }
        double z = zScore(confidence);
        double p = successes / (double) n;
        return z / (1 + z * z / n) * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
    }

    /** The standard normal quantile z with P(|Z| <= z) = {@code confidence}. */
    public static double zScore(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence " + confidence + " must be strictly between 0 and 1");
        }
        return STANDARD_NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2);
    }

    /** Standard normal CDF. */
    public static double normalCdf(double x) {
        return STANDARD_NORMAL.cumulativeProbability(x);
    }
}
