package org.flipstorm.inject;

/**
 * The optional range detector (as in Ranger, Chen et al. DSN 2021, which the study's tools
 * offered): a faulty value that is NaN, infinite or beyond the layer's profiled max |activation|
 * is clamped to +-max. What NaN becomes depends on the {@link DetectorMode}: 0 for
 * {@code clamp}, +max for {@code goldeneye}.
 */
public final class RangeDetector {
    private RangeDetector() {}

    /** The value as the detector lets it through. */
    public static float clamp(float value, float maxAbs) {
        if (Float.isNaN(value)) {
            return 0f;
        }
        return Math.max(-maxAbs, Math.min(maxAbs, value));
    }

    /** GoldenEye's detector: NaN, Inf or |v| > max becomes -max if v < 0, else +max (so NaN gives +max). */
    public static float goldeneye(float value, float maxAbs) {
        if (Float.isNaN(value) || Float.isInfinite(value) || Math.abs(value) > maxAbs) {
            return value < 0 ? -maxAbs : maxAbs;
        }
        return value;
    }

    /** {@code corruption} followed by the {@code clamp} detector with bound {@code maxAbs}. */
    public static Corruption guard(Corruption corruption, float maxAbs) {
        return guard(corruption, maxAbs, DetectorMode.CLAMP);
    }

    /** {@code corruption} followed by the detector {@code mode} with bound {@code maxAbs}. */
    public static Corruption guard(Corruption corruption, float maxAbs,
                                                   DetectorMode mode) {
        if (!(maxAbs >= 0) || Float.isInfinite(maxAbs)) {
            throw new IllegalArgumentException("range bound " + maxAbs + " must be finite and >= 0");
        }
        return switch (mode) {
            case NONE -> corruption;
            case CLAMP -> (value, fault) -> clamp(corruption.apply(value, fault), maxAbs);
            case GOLDENEYE -> (value, fault) -> goldeneye(corruption.apply(value, fault), maxAbs);
        };
    }
}
