package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.deeplearning4j.nn.api.Model;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Golden reuse decides every trial as the exact way does: faults run in batches of their own and
 * compared with the golden pass get the same outcome, predictions and corrupted values as faults
 * run beside a clean row of their image, on every zoo network. Confidences and losses come from
 * other batches, so they may differ in the last bits; the largest difference is printed.
 */
class GoldenReuseTest {
    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    @Test
    void lenetEverySite() {
        compare(LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 32, 1e-3, 0, 11)), TinyNets.images(6, 8), s -> true);
    }

    /** Every third site (each vertex kind of every stage); ConeTest compares every site with a full recompute. */
    @Test
    void resnet20EveryThirdSite() {
        compare(ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(12)), SuffixNoise.images(6, 3, 3, 32, 32),
                s -> s % 3 == 0);
    }

    @ParameterizedTest(name = "{0} text_guided={1}")
    @MethodSource("org.flipstorm.inject.SuffixEquivalenceTest#zooGraphs")
    void everyZooGraphSampledSites(String arch, boolean textGuided) {
        Model net = SuffixEquivalenceTest.zooGraph(arch, textGuided);
        compare(net, SuffixNoise.images(6, 3, 3, 32, 32), SuffixEquivalenceTest.sampledSites(net, textGuided));
    }

    /** A tolerance of 1 sends every fault to the exact way: the results are then the exact way's, bit for bit. */
    @Test
    void everyFaultRerunWhenEveryMarginCountsAsNear() {
        Model a = LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 32, 1e-3, 0, 11));
        Model b = LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 32, 1e-3, 0, 11));
        InjectionEngine all = new InjectionEngine(InjectableNetworks.of(a), 24, true, 1.0);
        InjectionEngine exact = new InjectionEngine(InjectableNetworks.of(b), 24, true, InjectionEngine.EXACT);
        INDArray images = TinyNets.images(6, 8);
        GoldenPass ga = all.golden(images);
        GoldenPass gb = exact.golden(images);
        List<Fault> faults = faults(ga, 2, 40, new SplittableRandom(3));
        List<TrialResult> x = all.inject(ga, 2, faults);
        List<TrialResult> y = exact.inject(gb, 2, faults);
        assertEquals(y, x);
        assertArrayEquals(new long[] {80, all.rowStatistics()[1], 40}, all.rowStatistics(),
                "40 rows run against the golden pass, then all 40 again");
    }

    @Test
    void toleranceMustBeNonNegativeOrExact() {
        InjectableNetwork net = InjectableNetworks.of(LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 32, 1e-3, 0, 11)));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new InjectionEngine(net, 24, true, -0.5));
        assertTrue(e.getMessage().contains("-0.5"), e.getMessage());
    }

    private static List<Fault> faults(GoldenPass g, int site, int count, SplittableRandom r) {
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            faults.add(new Fault(i, r.nextInt(g.images()), r.nextInt(10), r.nextLong(g.neurons(site)), r.nextInt(32)));
        }
        return faults;
    }

    /**
     * Runs 70 faults per chosen site the exact way, then with golden reuse and with golden reuse
     * through the cone of influence, and checks that every trial is decided the same way.
     */
    private static void compare(Model model, INDArray images, IntPredicate which) {
        InjectionEngine exact = new InjectionEngine(InjectableNetworks.of(model), 32, true, InjectionEngine.EXACT);
        GoldenPass golden = exact.golden(images);
        SplittableRandom r = new SplittableRandom(17);
        List<Integer> sites = new ArrayList<>();
        List<List<Fault>> faults = new ArrayList<>();
        List<List<TrialResult>> expected = new ArrayList<>();
        for (int site = 0; site < exact.network().size(); site++) {
            if (which.test(site)) {
                sites.add(site);
                faults.add(faults(golden, site, 70, r));
                expected.add(exact.inject(golden, site, faults.get(faults.size() - 1)));
            }
        }
        for (boolean cone : new boolean[] {false, true}) {
            InjectionEngine reuse = new InjectionEngine(InjectableNetworks.of(model), 32, true,
                    InjectionEngine.DEFAULT_NEAR_TIE, cone);
            double worst = 0;
            int trials = 0;
            for (int i = 0; i < sites.size(); i++) {
                List<TrialResult> x = reuse.inject(golden, sites.get(i), faults.get(i));
                for (int j = 0; j < x.size(); j++) {
                    TrialResult p = expected.get(i).get(j);
                    TrialResult m = x.get(j);
                    String where = "site " + reuse.network().names().get(sites.get(i)) + " fault " + faults.get(i).get(j)
                            + (cone ? " (cone)" : "");
                    assertEquals(p.outcome(), m.outcome(), where);
                    assertEquals(p.goldenTop1(), m.goldenTop1(), where);
                    assertEquals(p.faultyTop1(), m.faultyTop1(), where);
                    assertEquals(p.valueBefore(), m.valueBefore(), where);
                    assertEquals(p.valueAfter(), m.valueAfter(), where);
                    assertEquals(p.goldenConfidence(), m.goldenConfidence(), 1e-4f, where);
                    assertEquals(p.faultyConfidence(), m.faultyConfidence(), 1e-4f, where);
                    assertEquals(p.deltaLoss(), m.deltaLoss(), 1e-4f, where);
                    if (Float.isFinite(p.faultyConfidence())) {
                        worst = Math.max(worst, Math.abs(p.goldenConfidence() - m.goldenConfidence()));
                        worst = Math.max(worst, Math.abs(p.faultyConfidence() - m.faultyConfidence()));
                    }
                    trials++;
                }
            }
            long[] stats = reuse.rowStatistics();
            System.out.printf("golden reuse%s: %d trials, largest confidence difference from the exact way %.3g,"
                    + " %d re-run as near ties, %d masked early%n", cone ? " through the cone" : "", trials, worst,
                    stats[2], stats[1]);
            assertEquals(trials, stats[0] - stats[2], "every fault ran once against the golden pass");
        }
    }
}
