package org.flipstorm.inject;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import org.flipstorm.common.Choice;

/**
 * The number format a fault hits. FP32 is native; FP16, BF16 and INT8 are emulated: the FP32
 * value is rounded to the format, the fault changes the format's encoding, and the result is
 * converted back to FP32 for the rest of the network.
 */
public enum NumberFormat implements Choice {
    /** IEEE-754 binary32. */
    FP32(32),
    /** IEEE-754 binary16 (half precision): 1 sign, 5 exponent, 10 fraction bits. */
    FP16(16),
    /** bfloat16: the upper 16 bits of FP32 (1 sign, 8 exponent, 7 fraction bits). */
    BF16(16),
    /** Signed 8-bit integer with a per-layer symmetric scale: value = q * scale, q in -128..127. */
    INT8(8),
    /**
     * PyTorchFI's stock single-bit model ({@code single_bit_flip_func}, 8 bits): q =
     * {@code int(v / max * 2^7)} (float32 division, truncation toward zero), one bit of q's two's
     * complement flipped, value = q * 2^-7 * max, rounded to float32; max = the layer's profiled
     * max |activation|. Where |v| >= max, q would leave -128..127: PyTorchFI then wraps or fails
     * an assertion, FlipStorm saturates q to -128..127.
     */
    INT8_PYTORCHFI(8);

    private final int bits;

    NumberFormat(int bits) {
        this.bits = bits;
    }

    /** Width of the encoding in bits. */
    public int bits() {
        return bits;
    }

    /** Lower-case id as used in configs and the trial schema, e.g. {@code bf16}, {@code int8-pytorchfi}. */
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

    /** True for the integer formats, which need a per-layer range profile. */
    public boolean quantised() {
        return this == INT8 || this == INT8_PYTORCHFI;
    }

    /**
     * The {@code scale} argument of {@link #encode}/{@link #decode} for a layer whose profiled
     * max |activation| (or max |weight|) is {@code maxAbs}: {@code maxAbs / 127} for INT8,
     * {@code maxAbs / 128} (exact) for INT8-PyTorchFI, unused (1) by the floating-point formats.
     */
    public float scaleFor(float maxAbs) {
        boolean usable = maxAbs > 0 && Float.isFinite(maxAbs);
        return switch (this) {
            case INT8 -> usable ? maxAbs / 127f : 1f / 127f;
            case INT8_PYTORCHFI -> usable ? maxAbs / 128f : 1f / 128f;
            default -> 1f;
        };
    }

    /** The format with id {@code id}. */
    @JsonCreator
    public static NumberFormat byId(String id) {
        for (NumberFormat f : values()) {
            if (f.id().equals(id.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("format '" + id + "' unknown; expected one of "
                + Arrays.stream(values()).map(NumberFormat::id).toList());
    }

    /** Checks that {@code bit} addresses a bit of this format. */
    public void checkBit(int bit) {
        if (bit < 0 || bit >= bits) {
            throw new IllegalArgumentException("bit " + bit + " out of range for " + id() + " (0.." + (bits - 1) + ")");
        }
    }

    /**
     * The encoding of {@code value} in this format, in the low {@link #bits()} bits.
     *
     * @param scale INT8's scale (value per step); ignored by the floating-point formats
     */
    public int encode(float value, float scale) {
        return switch (this) {
            case FP32 -> Float.floatToRawIntBits(value);
            case FP16 -> HalfFloats.toHalf(value);
            case BF16 -> HalfFloats.toBfloat16(value);
            case INT8 -> quantise(value, scale) & 0xFF;
            case INT8_PYTORCHFI -> truncate(value, scale) & 0xFF;
        };
    }

    /** The FP32 value of an encoding (the inverse of {@link #encode} up to rounding). */
    public float decode(int raw, float scale) {
        return switch (this) {
            case FP32 -> Float.intBitsToFloat(raw);
            case FP16 -> HalfFloats.fromHalf(raw & 0xFFFF);
            case BF16 -> Float.intBitsToFloat((raw & 0xFFFF) << 16);
            case INT8 -> ((byte) raw) * scale;
            // PyTorchFI: out * (2^-7 * max) in double (= out * scale exactly), then rounded to float32.
            case INT8_PYTORCHFI -> (float) (((byte) raw) * (double) scale);
        };
    }

    /** Mask of the format's bits. */
    public int mask() {
        return bits == 32 ? -1 : (1 << bits) - 1;
    }

    /** PyTorchFI's quantum: int((v / max) * 2^7) in float32, saturated to -128..127 (max = 128 scale). */
    private static int truncate(float value, float scale) {
        checkScale(scale);
        if (Float.isNaN(value)) {
            return 0;
        }
        float max = scale * 128f;
        float q = (value / max) * 128f;
        return (int) Math.max(-128, Math.min(127, (long) q));
    }

    private static void checkScale(float scale) {
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("int8 scale " + scale + " must be a positive finite number");
        }
    }

    private static int quantise(float value, float scale) {
        checkScale(scale);
        if (Float.isNaN(value)) {
            return 0;
        }
        long q = Math.round(value / (double) scale);
        return (int) Math.max(-128, Math.min(127, q));
    }
}
