package org.flipstorm.analysis;

/** Confidence intervals for rates. */
public final class Intervals {
    private Intervals() {}

    /**
     * An interval.
     *
     * @param low lower bound
     * @param high upper bound
     */
    public record Interval(double low, double high) {}

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
        double half = z * Math.sqrt(p * (1 - p) / n + z2n / (4.0 * n)) / (1 + z2n);
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /** The standard normal quantile z with P(|Z| <= z) = {@code confidence}. */
    public static double zScore(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence " + confidence + " must be strictly between 0 and 1");
        }
        double target = 1 - (1 - confidence) / 2;
        double lo = 0;
        double hi = 40;
        for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
            double mid = (lo + hi) / 2;
            if (normalCdf(mid) < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** Standard normal CDF, absolute error below 1e-7. */
    static double normalCdf(double x) {
        return 1 - 0.5 * erfc(x / Math.sqrt(2));
    }

    /** Complementary error function (Chebyshev fit, fractional error below 1.2e-7; Numerical Recipes 6.2). */
    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
