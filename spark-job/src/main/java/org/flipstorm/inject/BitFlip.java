package org.flipstorm.inject;

/** Single-bit flips in IEEE-754 binary32 (FP32) values. Bit 0 is the least significant. */
public final class BitFlip {
    /** Number of bits of an FP32 value. */
    public static final int FP32_BITS = 32;

    private BitFlip() {}

    /**
     * The value with one bit of its FP32 encoding inverted.
     *
     * @throws IllegalArgumentException if {@code bit} is outside 0..31
     */
    public static float flipFp32(float value, int bit) {
        checkBit(bit);
        return Float.intBitsToFloat(Float.floatToRawIntBits(value) ^ (1 << bit));
    }

    /** Checks that {@code bit} addresses a bit of an FP32 value. */
    public static void checkBit(int bit) {
        if (bit < 0 || bit >= FP32_BITS) {
            throw new IllegalArgumentException("bit " + bit + " out of range for fp32 (0..31)");
        }
    }
}
