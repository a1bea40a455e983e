package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.flipstorm.zoo.nets.Architectures;
import org.flipstorm.zoo.nets.NetSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Nesterovs;

/** The study tools' fault semantics: PyTorchFI's INT8, GoldenEye's detector and sites, ties. */
class StudySemanticsTest {
    private static final float MAX = 6.0f;

    private static float pytorchfi(float v, int bit) {
        FaultModel m = new FaultModel(NumberFormat.INT8_PYTORCHFI, FaultOp.FLIP);
        return m.corruption(NumberFormat.INT8_PYTORCHFI.scaleFor(MAX)).apply(v, new Fault(0, 0, 0, 0, bit));
    }

    @Test
    void int8PyTorchFiMatchesItsFormulaByHand() {
        // q = int(v / max * 2^7), truncation; value = q' * 2^-7 * max; max = 6, so one step is 0.046875.
        assertEquals(0.046875f, NumberFormat.INT8_PYTORCHFI.scaleFor(MAX));
        // 1.0 / 6 * 128 = 21.33 -> 21 = 0b00010101; bit 7 (sign) -> 0b10010101 = -107.
        assertEquals(-107 * 0.046875f, pytorchfi(1.0f, 7));
        // bit 0 -> 20.
        assertEquals(20 * 0.046875f, pytorchfi(1.0f, 0));
        // 1.03 / 6 * 128 = 21.97: truncation gives 21 (rounding would give 22); bit 1 -> 23.
        assertEquals(23 * 0.046875f, pytorchfi(1.03f, 1));
        assertEquals(21, NumberFormat.INT8_PYTORCHFI.encode(1.03f, 0.046875f));
        assertEquals(22, NumberFormat.INT8.encode(1.03f, MAX / 128f), "today's int8 rounds instead");
        // -1.0 -> trunc(-21.33) = -21 = 0b11101011; bit 4 -> 0b11111011 = -5.
        assertEquals(-5 * 0.046875f, pytorchfi(-1.0f, 4));
        // -max -> -128 = 0b10000000; bit 7 -> 0.
        assertEquals(0f, pytorchfi(-6.0f, 7));
        // +max gives q = 128, outside int8 (PyTorchFI asserts or wraps): saturated to 127; bit 0 -> 126.
        assertEquals(126 * 0.046875f, pytorchfi(6.0f, 0));
        // 0.02 -> 0.43 -> 0; bit 6 -> 64 -> 3.0.
        assertEquals(3.0f, pytorchfi(0.02f, 6));
        assertEquals("int8-pytorchfi", NumberFormat.INT8_PYTORCHFI.id());
        assertEquals(NumberFormat.INT8_PYTORCHFI, NumberFormat.byId("int8-pytorchfi"));
        assertThrows(IllegalArgumentException.class, () -> NumberFormat.INT8_PYTORCHFI.checkBit(8));
    }

    @Test
    void goldenEyeDetectorClampsToTheRangeAndSendsNanToPlusMax() {
        assertEquals(6f, RangeDetector.goldeneye(Float.NaN, 6f), "NaN is not < 0, so +max");
        assertEquals(6f, RangeDetector.goldeneye(Float.POSITIVE_INFINITY, 6f));
        assertEquals(-6f, RangeDetector.goldeneye(Float.NEGATIVE_INFINITY, 6f));
        assertEquals(-6f, RangeDetector.goldeneye(-1e30f, 6f));
        assertEquals(6f, RangeDetector.goldeneye(7f, 6f));
        assertEquals(-5.5f, RangeDetector.goldeneye(-5.5f, 6f), "inside the range: unchanged");
        assertEquals(0f, RangeDetector.clamp(Float.NaN, 6f), "the clamp mode keeps NaN -> 0");
        // Through the fault model: flipping bit 30 of 1.0 gives 2^128 = +Inf in float32 -> +max.
        Corruption c = RangeDetector.guard(FaultModel.FP32_FLIP.corruption(1f), 6f,
                DetectorMode.GOLDENEYE);
        assertEquals(6f, c.apply(1.0f, new Fault(0, 0, 0, 0, 30)));
        assertEquals(DetectorMode.GOLDENEYE, DetectorMode.parse("goldeneye"));
        assertEquals(DetectorMode.CLAMP, DetectorMode.parse("true"));
        assertEquals(DetectorMode.NONE, DetectorMode.parse("false"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DetectorMode.parse("max"));
        assertTrue(e.getMessage().contains("expected none, clamp"), e.getMessage());
    }

    private static List<String> goldeneyeSites(Model m) {
        InjectableNetwork net = InjectableNetworks.of(m);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            if (net.isGoldenEyeSite(i)) {
                out.add(net.names().get(i));
            }
        }
        return out;
    }

    @Test
    void goldenEyeSitesAreConvolutionAndDenseOutputsAndTheHeadBeforeItsScale() {
        assertEquals(List.of("conv1", "conv2", "fc1", "logits"), goldeneyeSites(TinyNets.lenet()));
        float[][] rows = new float[10][8];
        for (int c = 0; c < 10; c++) {
            rows[c][c % 8] = 1;
            rows[c][7] = 0.5f;
        }
        Model lenetText = Architectures.build("lenet", new NetSpec(1, 28, 28, 10, rows, new Nesterovs(0.1, 0.9), 0, 1));
        assertEquals(List.of("conv1", "conv2", "fc1", "features", "cosine"), goldeneyeSites(lenetText));

        List<String> base = goldeneyeSites(Architectures.build("resnet20", NetSpec.cifar(10, null, 1)));
        List<String> text = goldeneyeSites(Architectures.build("resnet20", NetSpec.cifar(10, rows, 1)));
        // 19 3x3 convolutions + 2 1x1 projections, then the head.
        assertEquals(22, base.size());
        assertEquals(21, base.stream().filter(n -> n.endsWith("_conv")).count());
        assertEquals("logits", base.get(base.size() - 1));
        assertEquals(base.subList(0, 21), text.subList(0, 21), "same backbone sites in both");
        assertEquals(List.of("text_proj", "cosine"), text.subList(21, text.size()));
        assertTrue(base.stream().noneMatch(n -> n.endsWith("_bn") || n.endsWith("_relu") || n.endsWith("_add")
                || n.equals("pool")));
    }

    @Test
    void anOutputWhoseTopScoreIsSharedIsATieNotAnSdcOrMasked() {
        InjectionEngine engine = new InjectionEngine(InjectableNetworks.of(TinyNets.lenet()), 8);
        float[] rows = {
            0.7f, 0.1f, 0.1f, 0.1f, // clean: class 0
            0.25f, 0.25f, 0.25f, 0.25f, // uniform: the old code said "class 0", i.e. masked
            0.1f, 0.4f, 0.4f, 0.1f, // two classes share the top: the old code said "class 1", an SDC
            0.1f, 0.5f, 0.3f, 0.1f, // a real SDC
        };
        Fault f = new Fault(1, 0, 0, 0, 30);
        assertEquals(Outcome.TIE, engine.classify(f, 1f, 2f, rows, 0, rows, 1, 4).outcome());
        assertEquals(Outcome.TIE, engine.classify(f, 1f, 2f, rows, 0, rows, 2, 4).outcome());
        assertEquals(Outcome.SDC, engine.classify(f, 1f, 2f, rows, 0, rows, 3, 4).outcome());
        assertEquals(Outcome.MASKED, engine.classify(f, 1f, 2f, rows, 0, rows, 0, 4).outcome());
        assertEquals("tie", Outcome.TIE.id());
    }
}
