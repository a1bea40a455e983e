package org.flipstorm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.flipstorm.inject.GoldenPass;
import org.flipstorm.inject.GraphStack;
import org.flipstorm.inject.InjectableNetworks;
import org.flipstorm.inject.Rows;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.store.ModelStore;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How much work the cone of influence leaves per trial on a trained graph, and how fast it does it:
 * single-bit FP32 flips (uniform image, neuron and bit) at every site the cone follows, run in
 * batches of a given size through {@link GraphStack#suffixOfPoints}, on test images the model
 * classifies correctly (as a campaign samples them). Per stage (map size) it reports the share of
 * faults dropped early, the multiply-adds done on windows and on full maps in units of one clean
 * forward pass, the time of each phase, and trials per clean image against clean inference of the
 * same model at batch 256 measured in the same JVM. The reciprocal of the multiply-add share is the
 * ratio the engine would reach if every kernel ran as efficiently as clean inference.
 *
 * <pre>ConeWork MODEL.zip DATA_DIR OUT.md [images=50] [faults=120] [batches=30,128] [seed=1]</pre>
 */
public final class ConeWork {
    private ConeWork() {}

    /** Totals of one group of sites. */
    private static final class Tally {
        int sites;
        long trials;
        long masked;
        double windowedMacs;
        double fullMacs;
        double windowedSeconds;
        double fullSeconds;
        double seconds;

        void add(Tally t) {
            sites += t.sites;
            trials += t.trials;
            masked += t.masked;
            windowedMacs += t.windowedMacs;
            fullMacs += t.fullMacs;
            windowedSeconds += t.windowedSeconds;
            fullSeconds += t.fullSeconds;
            seconds += t.seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            throw new IllegalArgumentException(
                    "usage: ConeWork MODEL.zip DATA_DIR OUT.md [images=50] [faults=120] [batches=30,128] [seed=1]");
        }
        Map<String, String> opt = new LinkedHashMap<>(Map.of("images", "50", "faults", "120", "batches", "30,128",
                "seed", "1"));
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'; expected one of "
                        + opt.keySet() + " as name=value");
            }
            opt.put(kv[0], kv[1]);
        }
        Dl4jRuntime.configure();
        ModelStore.LoadedModel model = ModelStore.load(Path.of(args[0]));
        if (!(model.network() instanceof ComputationGraph)) {
            throw new IllegalArgumentException(args[0] + " is not a graph; the cone follows graphs (ResNet-20)");
        }
        ImageSet set = Datasets.load(model.card().dataset(), "test", Optional.of(Path.of(args[1])),
                model.card().imageLayout());
        GraphStack stack = (GraphStack) InjectableNetworks.of(model.network());
        int wanted = Integer.parseInt(opt.get("images"));
        INDArray images = correctImages(stack, set, model, wanted);
        GoldenPass golden = stack.golden(images);
        double forward = stack.forwardMacsPerImage(golden);
        double cleanMs = cleanMsPerImage(stack, images);

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Model `%s`, %d correctly classified test images, %s faults per site"
                        + " (single-bit FP32 flips, uniform image, neuron and bit, seed %s); one forward pass = %.2f M"
                        + " multiply-adds; clean inference at batch 256: %.3f ms per image (%.0f img/s).%n%n",
                model.card().modelId(), images.size(0), opt.get("faults"), opt.get("seed"), forward / 1e6, cleanMs,
                1000 / cleanMs));
        md.append("| batch | stage (map) | sites | trials | dropped early | MACs on windows | MACs on full maps |"
                + " ms/trial on windows | ms/trial on full maps | ms/trial | trials per clean image | at clean efficiency |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        int faults = Integer.parseInt(opt.get("faults"));
        long seed = Long.parseLong(opt.get("seed"));
        for (String b : opt.get("batches").split(",")) {
            int batch = Integer.parseInt(b.trim());
            // The first pass warms oneDNN's kernels up for this batch size; the second is reported.
            run(stack, golden, batch, faults, seed);
            Map<String, Tally> stages = run(stack, golden, batch, faults, seed);
            Tally all = new Tally();
            for (Map.Entry<String, Tally> e : stages.entrySet()) {
                row(md, batch, e.getKey(), e.getValue(), forward, cleanMs);
                all.add(e.getValue());
            }
            row(md, batch, "all", all, forward, cleanMs);
        }
        System.out.print(md);
        Files.writeString(Path.of(args[2]), md.toString());
    }

    private static void row(StringBuilder md, int batch, String stage, Tally t, double forward, double cleanMs) {
        double win = t.windowedMacs / t.trials / forward;
        double full = t.fullMacs / t.trials / forward;
        double ms = 1000 * t.seconds / t.trials;
        md.append(String.format(Locale.ROOT, "| %d | %s | %d | %d | %.0f%% | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.1f |%n",
                batch, stage, t.sites, t.trials, 100.0 * t.masked / t.trials, win, full,
                1000 * t.windowedSeconds / t.trials, 1000 * t.fullSeconds / t.trials, ms, cleanMs / ms,
                1 / (win + full)));
    }

    /** Runs every cone site's faults in batches; totals per map size, in network order. */
    private static Map<String, Tally> run(GraphStack stack, GoldenPass golden, int batch, int faults, long seed) {
        Map<String, Tally> stages = new LinkedHashMap<>();
        int images = (int) golden.activations()[0].size(0);
        for (int site = 0; site < stack.size(); site++) {
            if (!stack.hasCone(site, golden)) {
                continue;
            }
            INDArray map = golden.activations()[site];
            float[] flat = map.dup('c').data().asFloat();
            long perImage = map.length() / images;
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + site);
            Tally t = stages.computeIfAbsent(map.size(2) + "x" + map.size(3), k -> new Tally());
            t.sites++;
            for (int done = 0; done < faults; done += batch) {
                int rows = Math.min(batch, faults - done);
                int[] img = new int[rows];
                long[] neuron = new long[rows];
                float[] value = new float[rows];
                for (int r = 0; r < rows; r++) {
                    img[r] = rnd.nextInt(images);
                    neuron[r] = rnd.nextLong(perImage);
                    float clean = flat[(int) (img[r] * perImage + neuron[r])];
                    value[r] = Float.intBitsToFloat(Float.floatToRawIntBits(clean) ^ (1 << rnd.nextInt(32)));
                }
                GraphStack.ConeWork before = stack.coneWork();
                long masked = stack.rowsMaskedEarly();
                long started = System.nanoTime();
                stack.suffixOfPoints(site, golden, img, neuron, value);
                t.seconds += (System.nanoTime() - started) / 1e9;
                GraphStack.ConeWork after = stack.coneWork();
                t.trials += rows;
                t.masked += stack.rowsMaskedEarly() - masked;
                t.windowedMacs += after.windowedMacs() - before.windowedMacs();
                t.fullMacs += after.fullMacs() - before.fullMacs();
                t.windowedSeconds += after.windowedSeconds() - before.windowedSeconds();
                t.fullSeconds += after.fullSeconds() - before.fullSeconds();
            }
        }
        return stages;
    }

    /** The first {@code wanted} test images the model classifies correctly, normalised as the card says. */
    private static INDArray correctImages(GraphStack stack, ImageSet set, ModelStore.LoadedModel model, int wanted) {
        List<Integer> keep = new ArrayList<>();
        for (int start = 0; start < set.size() && keep.size() < wanted; start += 256) {
            int n = Math.min(256, set.size() - start);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = start + i;
            }
            INDArray probs = stack.output(set.features(idx, model.card().inputNormalization()));
            INDArray top = probs.argMax(1);
            for (int i = 0; i < n && keep.size() < wanted; i++) {
                if (top.getInt(i) == set.label(idx[i])) {
                    keep.add(idx[i]);
                }
            }
        }
        if (keep.isEmpty()) {
            throw new IllegalArgumentException("the model classifies none of the test images correctly");
        }
        return set.features(keep.stream().mapToInt(Integer::intValue).toArray(), model.card().inputNormalization());
    }

    /** Clean inference at batch 256 (the images repeated), milliseconds per image after a warm-up. */
    private static double cleanMsPerImage(GraphStack stack, INDArray images) {
        int[] rows = new int[256];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i % (int) images.size(0);
        }
        INDArray batch = Rows.gather(images, rows);
        for (int i = 0; i < 5; i++) {
            stack.output(batch);
        }
        int reps = 20;
        long started = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            stack.output(batch);
        }
        return (System.nanoTime() - started) / 1e6 / (reps * 256.0);
    }
}
