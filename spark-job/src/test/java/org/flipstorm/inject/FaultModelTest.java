package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.Test;

class FaultModelTest {
    @Test
    void halfAndBfloat16EncodingsMatchHandComputedVectors() {
        assertEquals(0x3F80, NumberFormat.BF16.encode(1.0f, 1));
        assertEquals(0xC000, NumberFormat.BF16.encode(-2.0f, 1));
        assertEquals(0x4049, NumberFormat.BF16.encode(3.140625f, 1));
        assertEquals(0x3F80, NumberFormat.BF16.encode(1.00390625f, 1), "a tie rounds to even");
        assertEquals(0x3F82, NumberFormat.BF16.encode(1.01171875f, 1), "a tie rounds to even (up)");

        assertEquals(0x3C00, NumberFormat.FP16.encode(1.0f, 1));
        assertEquals(0x7BFF, NumberFormat.FP16.encode(65504f, 1), "largest finite half");
        assertEquals(0x7C00, NumberFormat.FP16.encode(65520f, 1), "rounds up to infinity");
        assertEquals(0xC000, NumberFormat.FP16.encode(-2.0f, 1));
        assertEquals(0x2E66, NumberFormat.FP16.encode(0.1f, 1));
        assertEquals(0x0001, NumberFormat.FP16.encode(0x1p-24f, 1), "smallest subnormal");
        assertEquals(0x0200, NumberFormat.FP16.encode(0x1p-15f, 1), "a subnormal");
        assertEquals(0x7C00, NumberFormat.FP16.encode(Float.POSITIVE_INFINITY, 1));
        assertTrue(Float.isNaN(NumberFormat.FP16.decode(NumberFormat.FP16.encode(Float.NaN, 1), 1)));
        assertEquals(65504f, NumberFormat.FP16.decode(0x7BFF, 1));
        assertEquals(0x1p-24f, NumberFormat.FP16.decode(0x0001, 1));
        assertEquals(-2.0f, NumberFormat.BF16.decode(0xC000, 1));
    }

    @Test
    void int8QuantisesSymmetricallyWithTheLayerScale() {
        float scale = 6.0f / 127;
        assertEquals(127, NumberFormat.INT8.encode(6.0f, scale));
        assertEquals(0x81, NumberFormat.INT8.encode(-6.0f, scale), "-127 in two's complement");
        assertEquals(127, NumberFormat.INT8.encode(1e9f, scale), "saturates");
        assertEquals(0x80, NumberFormat.INT8.encode(-1e9f, scale), "saturates at -128");
        assertEquals(21, NumberFormat.INT8.encode(1.0f, scale), "1.0 / 0.0472 = 21.17 -> 21");
        assertEquals(21 * scale, NumberFormat.INT8.decode(21, scale));
        FaultModel int8 = new FaultModel(NumberFormat.INT8, FaultOp.FLIP);
        assertEquals(-107 * scale, int8.corruption(scale).apply(1.0f, fault(7)), 1e-6f, "sign bit: 21 - 128");
        assertThrows(IllegalArgumentException.class, () -> NumberFormat.INT8.encode(1f, 0f));
    }

    @Test
    void flippingTwiceIsTheIdentityWithinEveryFormat() {
        SplittableRandom r = new SplittableRandom(3);
        for (NumberFormat f : NumberFormat.values()) {
            float scale = 0.05f;
            for (int i = 0; i < 2_000; i++) {
                float v = (float) (r.nextGaussian() * 10);
                int raw = f.encode(v, scale);
                for (int bit = 0; bit < f.bits(); bit++) {
                    int twice = FaultOp.FLIP.apply(FaultOp.FLIP.apply(raw, 1 << bit), 1 << bit);
                    assertEquals(raw, twice);
                    float rounded = f.decode(raw, scale);
                    assertEquals(Float.floatToRawIntBits(rounded), Float.floatToRawIntBits(f.decode(twice, scale)),
                            f + " " + v + " bit " + bit);
                }
            }
        }
    }

    @Test
    void stuckAtAndMultiBitFaults() {
        Corruption s1 = new FaultModel(NumberFormat.FP32, FaultOp.STUCK_AT_1).corruption(1);
        Corruption s0 = new FaultModel(NumberFormat.FP32, FaultOp.STUCK_AT_0).corruption(1);
        assertEquals(-1.0f, s1.apply(1.0f, fault(31)));
        assertEquals(1.0f, s0.apply(1.0f, fault(31)), "stuck at the value it has: no change");
        assertEquals(1.0f, s1.apply(1.0f, fault(29)), "bit 29 of 1.0f is already 1");
        Fault twoBits = new Fault(1, 0, 0, 0, 30, (1 << 30) | (1 << 31));
        assertEquals(Float.NEGATIVE_INFINITY,
                FaultModel.FP32_FLIP.corruption(1).apply(1.0f, twoBits));
        assertEquals(FaultOp.STUCK_AT_0, FaultOp.byId("stuck-at-0"));
        assertThrows(IllegalArgumentException.class, () -> new Fault(1, 0, 0, 0, 3, 0b10000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NumberFormat.FP16.checkBit(16));
        assertEquals("bit 16 out of range for fp16 (0..15)", e.getMessage());
    }

    @Test
    void theRangeDetectorClampsAHugeFaultToTheProfiledMax() {
        assertEquals(6.0f, RangeDetector.clamp(1e30f, 6.0f));
        assertEquals(-6.0f, RangeDetector.clamp(Float.NEGATIVE_INFINITY, 6.0f));
        assertEquals(0f, RangeDetector.clamp(Float.NaN, 6.0f));
        assertEquals(2.5f, RangeDetector.clamp(2.5f, 6.0f));

        Dl4jRuntime.configure();
        InjectionEngine engine = new InjectionEngine(InjectableNetworks.of(TinyNets.lenet()), 8);
        GoldenPass golden = engine.golden(TinyNets.images(1, 1));
        Corruption huge = (value, f) -> 1e30f;
        TrialResult t = engine.inject(golden, 4, List.of(fault(3)), RangeDetector.guard(huge, 6.0f)).get(0);
        assertEquals(6.0f, t.valueAfter());
    }

    private static Fault fault(int bit) {
        return new Fault(1, 0, 0, 0, bit);
    }
}
