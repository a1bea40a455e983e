package org.flipstorm.zoo.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Learning rate rising linearly from 0 to {@code peak} over {@code warmupIterations}, then falling
 * along a half cosine to 0 at {@code totalIterations} (Loshchilov and Hutter, SGDR, ICLR 2017,
 * without restarts). Per iteration, so it continues exactly where a resumed network left off: DL4J
 * stores the iteration count in the saved configuration.
 */
public final class WarmupCosineSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    private final double peak;
    private final int warmupIterations;
    private final int totalIterations;

    /**
     * @param peak the rate at the end of the warm-up, > 0
     * @param warmupIterations iterations of linear warm-up, >= 0
     * @param totalIterations iterations of the whole run, > warm-up
     */
    public WarmupCosineSchedule(@JsonProperty("peak") double peak,
                                @JsonProperty("warmupIterations") int warmupIterations,
                                @JsonProperty("totalIterations") int totalIterations) {
        if (!(peak > 0) || warmupIterations < 0 || totalIterations <= warmupIterations) {
            throw new IllegalArgumentException("schedule needs peak > 0 and 0 <= warm-up < total iterations, got peak "
                    + peak + ", warm-up " + warmupIterations + ", total " + totalIterations);
        }
        this.peak = peak;
        this.warmupIterations = warmupIterations;
        this.totalIterations = totalIterations;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmupIterations) {
            return peak * (iteration + 1) / warmupIterations;
        }
        if (iteration >= totalIterations) {
            return 0;
        }
        double progress = (iteration - warmupIterations) / (double) (totalIterations - warmupIterations);
        return 0.5 * peak * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(peak, warmupIterations, totalIterations);
    }

    /** Peak rate. */
    public double getPeak() {
        return peak;
    }

    /** Warm-up length in iterations. */
    public int getWarmupIterations() {
        return warmupIterations;
    }

    /** Run length in iterations. */
    public int getTotalIterations() {
        return totalIterations;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupCosineSchedule s && s.peak == peak && s.warmupIterations == warmupIterations
                && s.totalIterations == totalIterations;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(peak) * 31 * 31 + warmupIterations * 31 + totalIterations;
    }
}
