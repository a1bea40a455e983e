package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The cone-of-influence suffix ({@link InjectableNetwork#suffixOfPoints}) against an independent
 * full forward pass with the value forced: the same outputs up to the kernels' rounding, on every
 * ResNet-20 site it follows and on sampled sites of every zoo graph; faults whose perturbation dies
 * on the way are dropped and get the golden output.
 */
class ConeTest {
    /** Largest output difference from a full recompute the tests accept (probabilities or logits). */
    private static final double TOLERANCE = 1e-4;

    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
        // A suffix that read an array after the engine closed it would see NaN, not stale values.
        Scratch.poisonOnClose = true;
    }

    @AfterAll
    static void noPoison() {
        Scratch.poisonOnClose = false;
    }

    @Test
    void resnet20EverySiteItFollows() {
        ComputationGraph net = ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(12));
        GraphStack stack = (GraphStack) InjectableNetworks.of(net);
        int followed = check(net, stack, SuffixNoise.images(4, 3, 3, 32, 32), s -> true, 16);
        // Every convolution, batch norm, ReLU and add of the three stages: all but pool, head and output.
        assertTrue(followed >= 60, followed + " sites followed");
        long[] runs = stack.coneVertexRuns();
        // Stage by stage the windows outgrow Cone.FULL_AREA of their maps, so most faults end on full maps.
        assertTrue(runs[0] > 200, "windowed vertex runs " + runs[0] + " vs full " + runs[1]);
        assertTrue(stack.rowsMaskedEarly() > 0, "some random flips die on the way (a ReLU, a small low bit)");
        // The full maps went back as soon as no vertex read them (each is 4 images x 16 x 32 x 32 floats or more).
        assertTrue(stack.releasedBytes() > 100L * 4 * 16 * 32 * 32 * 4, stack.releasedBytes() + " bytes released");
    }

    @ParameterizedTest(name = "{0} text_guided={1}")
    @MethodSource("org.flipstorm.inject.SuffixEquivalenceTest#zooGraphs")
    void everyZooGraphSampledSites(String arch, boolean textGuided) {
        Model net = SuffixEquivalenceTest.zooGraph(arch, textGuided);
        InjectableNetwork network = InjectableNetworks.of(net);
        check(net, network, SuffixNoise.images(6, 3, 3, 32, 32), SuffixEquivalenceTest.sampledSites(net, false), 24);
    }

    @Test
    void aFaultThatChangesNothingIsDroppedAtOnce() {
        ComputationGraph net = ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(12));
        GraphStack stack = (GraphStack) InjectableNetworks.of(net);
        INDArray images = SuffixNoise.images(8, 2, 3, 32, 32);
        GoldenPass golden = stack.golden(images);
        int site = stack.indexOf("s1b1_a_conv");
        float v = golden.activations()[site].reshape(2, -1).getFloat(1, 77);
        INDArray out = stack.suffixOfPoints(site, golden, new int[] {1}, new long[] {77}, new float[] {v});
        assertEquals(stack.goldenOutput(golden).getRow(1), out.getRow(0));
        assertEquals(1, stack.rowsMaskedEarly());
        assertEquals(0, stack.coneVertexRuns()[0] + stack.coneVertexRuns()[1], "nothing ran");
        assertEquals(new GraphStack.ConeWork(0, 0, 0, 0), stack.coneWork());
    }

    @Test
    void workIsCountedInMultiplyAdds() {
        ComputationGraph net = ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(12));
        GraphStack stack = (GraphStack) InjectableNetworks.of(net);
        GoldenPass golden = stack.golden(SuffixNoise.images(8, 2, 3, 32, 32));
        // By hand: stem 16x27, stage 1 six 16x144, stage 2 32x144 + 1x1 projection 32x16 + five 32x288,
        // stage 3 64x288 + 64x32 + five 64x576 multiply-adds per output pixel, then the 64 -> 10 dense layer.
        double byHand = 1024 * (16 * 27 + 6 * 16 * 144) + 256 * (32 * 144 + 32 * 16 + 5 * 32 * 288)
                + 64 * (64 * 288 + 64 * 32 + 5 * 64 * 576) + 64 * 10;
        assertEquals(byHand, stack.forwardMacsPerImage(golden), 0.5);

        // After the last convolution only the dense layer multiplies: 640 per row that survives the
        // ReLU after the add (a flip can die there), nothing on windows.
        int last = stack.indexOf("s3b3_b_conv");
        stack.suffixOfPoints(last, golden, new int[] {0, 1}, new long[] {5, 900}, new float[] {1e3f, -1e3f});
        long ran = 2 - stack.rowsMaskedEarly();
        assertTrue(ran > 0, "both flips died");
        GraphStack.ConeWork w = stack.coneWork();
        assertEquals(0, w.windowedMacs());
        assertEquals(ran * 640, w.fullMacs(), 0.5);

        // From the stem the window runs through stage 1's convolutions before going full: some work
        // on windows, less in all than the rest of a forward pass.
        int stem = stack.indexOf("stem_conv");
        stack.suffixOfPoints(stem, golden, new int[] {1}, new long[] {16 * 32 + 16}, new float[] {1e3f});
        GraphStack.ConeWork after = stack.coneWork();
        double windowed = after.windowedMacs() - w.windowedMacs();
        double full = after.fullMacs() - w.fullMacs();
        assertTrue(windowed > 0, "windowed " + windowed);
        assertTrue(windowed + full < byHand - 1024 * 16 * 27, windowed + " + " + full + " vs " + byHand);
        assertTrue(after.windowedSeconds() > 0 && after.fullSeconds() > 0, after.toString());
    }

    @Test
    void networksWithoutWindowsSaySo() {
        InjectableNetwork lenet = InjectableNetworks.of(LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 32, 1e-3, 0, 11)));
        GoldenPass g = lenet.golden(TinyNets.images(2, 3));
        assertFalse(lenet.hasCone(0, g));
        var e = assertThrows(IllegalArgumentException.class,
                () -> lenet.suffixOfPoints(0, g, new int[] {0}, new long[] {0}, new float[] {1f}));
        assertTrue(e.getMessage().contains("cone"), e.getMessage());
        ComputationGraph net = ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(12));
        GraphStack stack = (GraphStack) InjectableNetworks.of(net);
        GoldenPass golden = stack.golden(SuffixNoise.images(8, 2, 3, 32, 32));
        assertFalse(stack.hasCone(stack.indexOf("pool"), golden), "a pooled vector has no window");
    }

    /**
     * Forces one value per row at every site the network follows, and compares the cone's output
     * with a full forward pass; returns how many sites were followed.
     */
    private static int check(Model model, InjectableNetwork network, INDArray images,
                             java.util.function.IntPredicate which, int faultsPerSite) {
        GoldenPass golden = network.golden(images);
        SplittableRandom r = new SplittableRandom(41);
        double worst = 0;
        int followed = 0;
        int compared = 0;
        for (int site = 0; site < network.size(); site++) {
            if (!which.test(site) || !network.hasCone(site, golden)) {
                continue;
            }
            followed++;
            INDArray act = golden.activations()[site];
            long n = golden.neurons(site);
            INDArray flat = act.reshape('c', act.size(0), n);
            int[] rowImages = new int[faultsPerSite];
            long[] neurons = new long[faultsPerSite];
            float[] values = new float[faultsPerSite];
            INDArray batch = Rows.gather(flat, new int[faultsPerSite]);
            for (int row = 0; row < faultsPerSite; row++) {
                rowImages[row] = r.nextInt(golden.images());
                neurons[row] = r.nextLong(n);
                values[row] = BitFlip.flipFp32(flat.getFloat(rowImages[row], neurons[row]), r.nextInt(32));
                batch.putRow(row, flat.getRow(rowImages[row]));
                batch.putScalar(row, neurons[row], values[row]);
            }
            long[] shape = act.shape().clone();
            shape[0] = faultsPerSite;
            String name = network.names().get(site);
            float[] cone = network.suffixOfPoints(site, golden, rowImages, neurons, values).dup('c').data().asFloat();
            float[] full = SuffixEquivalenceTest.reference(model, name, site, Rows.gather(images, rowImages),
                    batch.reshape('c', shape)).dup('c').data().asFloat();
            assertEquals(full.length, cone.length, name);
            int classes = full.length / faultsPerSite;
            for (int row = 0; row < faultsPerSite; row++) {
                boolean finite = true;
                for (int k = 0; k < classes; k++) {
                    finite &= Float.isFinite(full[row * classes + k]);
                }
                for (int k = 0; k < classes; k++) {
                    float a = full[row * classes + k];
                    float b = cone[row * classes + k];
                    String where = name + " row " + row + " class " + k + ": full " + a + ", cone " + b;
                    if (!finite) {
                        // A flip to infinity or NaN: the same class of value must come out, not the same bits.
                        assertEquals(Float.isNaN(a), Float.isNaN(b), where);
                        continue;
                    }
                    // Huge flipped values put the logits far apart; compare relative to their size.
                    double scale = Math.max(1, Math.abs(a));
                    double d = Math.abs(a - b) / scale;
                    assertTrue(d <= TOLERANCE, where);
                    worst = Math.max(worst, d);
                }
                compared++;
            }
        }
        System.out.printf("cone of influence: %d sites, %d faults compared, largest output difference from a full"
                + " recompute %.3g%n", followed, compared, worst);
        return followed;
    }
}
