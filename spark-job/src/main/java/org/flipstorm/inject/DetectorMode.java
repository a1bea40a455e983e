package org.flipstorm.inject;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.flipstorm.common.Choice;

/**
 * Whether and how a faulty activation passes a range detector (see {@link RangeDetector}).
 * Config values: {@code none} (or {@code false}), {@code clamp} (or {@code true}) and
 * {@code goldeneye}.
 */
public enum DetectorMode implements Choice {
    /** No detector: the faulty value goes on as it is. */
    NONE,
    /** FlipStorm's first detector: clamp to +-max, NaN becomes 0. */
    CLAMP,
    /**
     * GoldenEye's detector ({@code _flip_bit_goldeneye}, applied to every FP32 injection): NaN, Inf
     * or |v| > max becomes -max if v < 0, else +max; NaN is not < 0, so NaN becomes +max.
     */
    GOLDENEYE;

    /** The id in configs and the trial schema. */
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

    /** True unless {@link #NONE}. */
    public boolean active() {
        return this != NONE;
    }

    /** The mode for a config value: a mode id, or a boolean ({@code true} = clamp). */
    @JsonCreator
    public static DetectorMode parse(String v) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "none", "false", "off" -> NONE;
            case "clamp", "true", "on" -> CLAMP;
            case "goldeneye" -> GOLDENEYE;
            default -> throw new IllegalArgumentException("range-detector '" + v + "' unknown; expected none, clamp"
                    + " (NaN becomes 0) or goldeneye (NaN becomes +max), or a boolean");
        };
    }
}
