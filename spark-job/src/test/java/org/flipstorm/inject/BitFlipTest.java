package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BitFlipTest {
    @Test
    void flippingTwiceGivesTheValueBack() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            float v = Float.intBitsToFloat(r.nextInt());
            int bit = r.nextInt(32);
            float twice = BitFlip.flipFp32(BitFlip.flipFp32(v, bit), bit);
            assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(twice), "value " + v + " bit " + bit);
        }
    }

    @Test
    void bit30OfOneIsPositiveInfinity() {
        assertEquals(Float.POSITIVE_INFINITY, BitFlip.flipFp32(1.0f, 30));
    }

    @Test
    void bit31FlipsTheSign() {
        assertEquals(-2.5f, BitFlip.flipFp32(2.5f, 31));
        assertEquals(2.5f, BitFlip.flipFp32(-2.5f, 31));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(BitFlip.flipFp32(0.0f, 31)));
    }

    @Test
    void everyBitOfARandomValueRoundTripsAndChangesExactlyThatBit() {
        float v = 0.7315f;
        int raw = Float.floatToRawIntBits(v);
        for (int bit = 0; bit < 32; bit++) {
            float flipped = BitFlip.flipFp32(v, bit);
            assertEquals(1 << bit, Float.floatToRawIntBits(flipped) ^ raw, "bit " + bit);
            assertEquals(raw, Float.floatToRawIntBits(BitFlip.flipFp32(flipped, bit)), "bit " + bit);
        }
    }

    @Test
    void bitOutOfRangeIsRejectedWithTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BitFlip.flipFp32(1f, 32));
        assertTrue(e.getMessage().contains("bit 32 out of range for fp32 (0..31)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BitFlip.flipFp32(1f, -1));
    }
}
