package org.flipstorm.inject;

/**
 * The optional range detector (as in Ranger, Chen et al. DSN 2021, which the study's tools
 * offered): a faulty value that is NaN, infinite or beyond the layer's profiled max |activation|
 * is clamped to +-max. NaN has no sign and becomes 0.
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

    /** {@code corruption} followed by the detector with bound {@code maxAbs}. */
    public static InjectionEngine.Corruption guard(InjectionEngine.Corruption corruption, float maxAbs) {
        if (!(maxAbs >= 0) || Float.isInfinite(maxAbs)) {
            throw new IllegalArgumentException("range bound " + maxAbs + " must be finite and >= 0");
        }
        return (value, fault) -> clamp(corruption.apply(value, fault), maxAbs);
    }
}
