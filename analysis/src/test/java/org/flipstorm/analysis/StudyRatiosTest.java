package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flipstorm.common.stats.Intervals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyRatiosTest {
    @TempDir
    Path dir;

    /**
     * Architecture r. Baseline: conv1 20/100 SDC, delta loss 2 each; logits 30/100, loss 3 each.
     * Text-guided: conv1 10/100, loss 1 each; cosine (pre-scale, pairs with logits) 5 SDC + 10 ties
     * of 100, loss 1 on half the trials and NaN on the rest; text_proj and its scaled logits unpaired.
     */
    private Path handMade(String textFormat) throws Exception {
        Path trials = Files.createDirectories(dir.resolve("trials"));
        HandMadeParquet.write(trials,
            "CREATE TABLE t AS SELECT 'c' AS campaign_id, i::BIGINT AS trial_id, 'r' AS architecture, model_id,"
                + " variant, layer_index, layer_name,"
                + " CASE WHEN i < s THEN 'sdc' WHEN i < s + ties THEN 'tie' ELSE 'masked' END AS outcome,"
                + " CASE WHEN nan_half AND i % 2 = 1 THEN 'NaN'::FLOAT ELSE loss::FLOAT END AS delta_loss,"
                + " CASE WHEN variant = 'baseline' THEN 'fp32' ELSE '" + textFormat + "' END AS format,"
                + " 'flip' AS fault_model, 'activation' AS target, true AS range_detector,"
                + " 'goldeneye' AS range_detector_mode FROM (VALUES"
                + " ('r-b', 'baseline', 0, 'conv1', 20, 0, 2.0, false),"
                + " ('r-b', 'baseline', 5, 'logits', 30, 0, 3.0, false),"
                + " ('r-t', 'text_guided', 0, 'conv1', 10, 0, 1.0, false),"
                + " ('r-t', 'text_guided', 5, 'text_proj', 40, 0, 9.0, false),"
                + " ('r-t', 'text_guided', 6, 'cosine', 5, 10, 1.0, true),"
                + " ('r-t', 'text_guided', 7, 'logits', 50, 0, 9.0, false))"
                + " v(model_id, variant, layer_index, layer_name, s, ties, loss, nan_half), range(100) r(i)");
        return trials;
    }

    private static List<StudyRatios.Trial> trials(String arch, String variant, String layer, int index, int n, int sdc,
                                                  double[] losses) {
        List<StudyRatios.Trial> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new StudyRatios.Trial(arch, variant, arch + "-" + variant, index, layer, i < sdc ? "sdc" : "masked",
                    losses[i % losses.length]));
        }
        return out;
    }

    @Test
    void ratiosPerSitePooledAndMeanOfRatiosHaveTheirHandComputedValues() throws Exception {
        Path trials = handMade("fp32");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = StudyComparisonMain.run(new String[] {trials.toString(), "--csv", dir.resolve("c.csv").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        // conv1 2.00x; logits/cosine 0.30/0.05 = 6.00x, with ties 0.30/0.15 = 2.00x; losses 2/1 and 3/1.
        assertTrue(text.contains("r: text_guided vs baseline (fp32/"), text);
        assertTrue(text.contains("last layer (logits): SDC 6.00x"), text);
        assertTrue(text.contains("with ties 2.00x"), text);
        assertTrue(text.contains("delta loss 3.00x [3.00, 3.00]"), "NaN losses dropped, constant losses: " + text);
        // pooled: (0.2 + 0.3) / 2 over (0.1 + 0.05) / 2 = 3.33x; with ties over (0.1 + 0.15) / 2 = 2.00x;
        // delta loss (2 + 3) / 2 over (1 + 1) / 2 = 2.50x. Mean of ratios: (2 + 6) / 2 = 4.00x, (2 + 3) / 2 = 2.50x.
        assertTrue(text.contains("overall, pooled over 2 sites: SDC 3.33x"), text);
        assertTrue(text.contains("delta loss 2.50x [2.50, 2.50]"), text);
        assertTrue(text.contains("overall, mean of per-site ratios: SDC 4.00x, delta loss 2.50x"), text);
        assertTrue(text.contains("unpaired layers: text_guided:logits, text_guided:text_proj"), text);
        List<String> csv = Files.readAllLines(dir.resolve("c.csv"));
        assertEquals(1 + 2 + 2, csv.size(), "two sites, the pooled row and the mean-of-ratios row");
        assertTrue(csv.get(2).startsWith("r,text_guided,logits,cosine,100,30,0,100,5,10,3.000000,1.000000,6.000000"),
                csv.get(2));
        assertTrue(csv.get(0).endsWith(",reference") && csv.get(2).endsWith(",baseline"), csv.get(0) + " / " + csv.get(2));
    }

    @Test
    void aCosineReferencePairsCosineWithCosineAndTheBaselineLogitsWithIt() {
        List<StudyRatios.Trial> t = new ArrayList<>();
        t.addAll(trials("a", "baseline", "conv1", 0, 100, 40, new double[] {4}));
        t.addAll(trials("a", "baseline", "logits", 5, 100, 30, new double[] {3}));
        t.addAll(trials("a", "cosine_random", "conv1", 0, 100, 20, new double[] {2}));
        t.addAll(trials("a", "cosine_random", "cosine", 6, 100, 24, new double[] {6}));
        t.addAll(trials("a", "cosine_random", "logits", 7, 100, 50, new double[] {9}));
        t.addAll(trials("a", "text_guided", "conv1", 0, 100, 10, new double[] {1}));
        t.addAll(trials("a", "text_guided", "cosine", 6, 100, 8, new double[] {2}));
        t.addAll(trials("a", "text_guided", "logits", 7, 100, 60, new double[] {9}));
        List<StudyRatios.Comparison> cs = StudyRatios.compare(t, "cosine_random", 0.99, 2000, 1);
        assertEquals(List.of("baseline", "text_guided"), cs.stream().map(StudyRatios.Comparison::variant).toList());
        StudyRatios.Comparison text = cs.get(1);
        assertEquals("cosine_random", text.reference());
        // cosine with cosine (0.24 / 0.08 = 3x), logits with logits; the last layer is the cosine.
        assertEquals(List.of("conv1", "cosine", "logits"), text.sites().stream().map(StudyRatios.SiteRatio::site).toList());
        assertEquals("cosine", text.lastLayer().site());
        assertEquals(3.0, text.lastLayer().sdc().value(), 1e-12);
        assertEquals(3.0, text.lastLayer().loss().value(), 1e-12);
        assertEquals(List.of(), text.unpaired());
        // The baseline against the cosine reference: its logits pair with the pre-scale cosine.
        StudyRatios.Comparison base = cs.get(0);
        assertEquals("cosine", base.lastLayer().site());
        assertEquals("logits", base.lastLayer().variantLayer());
        assertEquals(0.24 / 0.30, base.lastLayer().sdc().value(), 1e-12);
        assertEquals(List.of("cosine_random:logits"), base.unpaired());
        // The default reference still pairs the baseline's logits with each cosine head's cosine.
        StudyRatios.Comparison byDefault = StudyRatios.compare(t, 0.99, 2000, 1).get(1);
        assertEquals("text_guided", byDefault.variant());
        assertEquals("cosine", byDefault.lastLayer().variantLayer());
        assertEquals(0.30 / 0.08, byDefault.lastLayer().sdc().value(), 1e-12);
    }

    @Test
    void aReferenceThatIsNotThereIsNamedWithTheVariantsFound() throws Exception {
        Path trials = handMade("fp32");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = StudyComparisonMain.run(new String[] {trials.toString(), "--reference", "cosine_random"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("reference variant 'cosine_random'") && e.contains("[r:baseline, r:text_guided]"), e);
    }

    @Test
    void mixedFaultSettingsAreRefusedWithOneLine() throws Exception {
        Path trials = handMade("int8-pytorchfi");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = StudyComparisonMain.run(new String[] {trials.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("mix fault settings") && e.contains("int8-pytorchfi") && e.trim().lines().count() == 1, e);
    }

    @Test
    void undefinedRatiosAreListedNotSkipped() {
        List<StudyRatios.Trial> t = new ArrayList<>();
        t.addAll(trials("a", "baseline", "c1", 0, 100, 10, new double[] {1}));
        t.addAll(trials("a", "baseline", "c2", 1, 100, 10, new double[] {1}));
        t.addAll(trials("a", "text_guided", "c1", 0, 100, 5, new double[] {1}));
        t.addAll(trials("a", "text_guided", "c2", 1, 100, 0, new double[] {1}));
        StudyRatios.Comparison c = StudyRatios.compare(t, 0.99, 2000, 1).get(0);
        assertEquals(List.of("c2 (no SDC in the variant)"), c.undefinedSdc());
        assertFalse(c.sites().get(1).sdc().defined());
        assertEquals(2.0, c.meanSdcRatio(), 1e-12, "the mean is over the defined ratios only");
        assertEquals(0.1 / 0.025, c.pooledSdc().value(), 1e-12);
    }

    @Test
    void theBootstrapIsSeededAndItsIntervalNarrowsWithMoreTrials() {
        double[] losses = {0.1, 0.5, 2.0, 0.0, 7.5, 0.3, 1.1, 0.2};
        List<StudyRatios.Trial> small = new ArrayList<>(trials("a", "baseline", "l", 0, 200, 20, losses));
        small.addAll(trials("a", "text_guided", "l", 0, 200, 10, new double[] {0.5, 0.2, 0.9, 0.1}));
        List<StudyRatios.Trial> large = new ArrayList<>(trials("a", "baseline", "l", 0, 8000, 800, losses));
        large.addAll(trials("a", "text_guided", "l", 0, 8000, 400, new double[] {0.5, 0.2, 0.9, 0.1}));
        StudyRatios.Ratio s1 = StudyRatios.compare(small, 0.99, 2000, 5).get(0).pooledLoss();
        StudyRatios.Ratio s2 = StudyRatios.compare(small, 0.99, 2000, 5).get(0).pooledLoss();
        StudyRatios.Ratio l = StudyRatios.compare(large, 0.99, 2000, 5).get(0).pooledLoss();
        assertEquals(s1, s2, "same seed, same interval");
        // mean losses 1.4625 / 0.425 = 3.441
        assertEquals(1.4625 / 0.425, s1.value(), 1e-9);
        assertTrue(s1.low() < s1.value() && s1.value() < s1.high(), s1.toString());
        assertTrue(l.high() - l.low() < (s1.high() - s1.low()) / 4, "40x the trials: about 1/6 the width; " + l + " vs " + s1);
        StudyRatios.Ratio pooled = StudyRatios.compare(large, 0.99, 2000, 5).get(0).pooledSdc();
        Intervals.Interval katz = Improvement.katz(800, 8000, 400, 8000, 0.99);
        assertEquals(katz.low(), pooled.low(), 0.1, "one site: the bootstrap agrees with Katz");
        assertEquals(katz.high(), pooled.high(), 0.1);
    }

    @Test
    void waldIntervalIsTheStudysSymmetricNormalInterval() {
        Intervals.Interval w = StudyRatios.wald(50, 1000, 0.99);
        double half = 2.5758293 * Math.sqrt(0.05 * 0.95 / 1000);
        assertEquals(0.05 - half, w.low(), 1e-6);
        assertEquals(0.05 + half, w.high(), 1e-6);
        assertEquals(0, StudyRatios.wald(0, 100, 0.99).low());
    }
}
