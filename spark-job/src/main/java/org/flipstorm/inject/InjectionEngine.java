package org.flipstorm.inject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs faults in a layer's output (one or more bits of one neuron each, in the number format
 * and through the detector a {@link Corruption} applies) by re-running only the rest of the
 * network, many faults at once.
 *
 * <p>Golden reuse (a near-tie tolerance >= 0): for one layer, a suffix batch holds up to {@code maxBatch} faults,
 * each a copy of its image's clean activation with the fault's neuron corrupted, and each fault is
 * compared with its image's output in the golden pass. oneDNN's results move in the last bits with
 * the batch they are computed in, so a fault whose clean or faulty top-2 probabilities lie within
 * the near-tie tolerance is run again the exact way (the default), where one clean row per distinct image sits in
 * the batch beside its faults and each fault is compared with that row: clean and faulty then share
 * the same kernels and blocking, and a near-tie image cannot turn into a false SDC. With the
 * tolerance {@link #EXACT} every fault runs the exact way.
 */
public final class InjectionEngine {
    /** Rows per suffix batch unless told otherwise. */
    public static final int DEFAULT_MAX_BATCH = 128;
    /**
     * Suggested near-tie tolerance of golden reuse, as a difference of probabilities. oneDNN's results
     * for one image move in the last bits of the logits with the batch they are computed in (up to
     * 1.25e-6 of a probability in GoldenReuseTest); a margin 100 times that decides the same way in
     * any batch.
     */
    public static final double DEFAULT_NEAR_TIE = 1e-4;
    /** Near-tie tolerance that turns golden reuse off: every fault runs beside its clean row. */
    public static final double EXACT = -1;
    /** Probabilities are clamped to this before the log, so a vanished class gives a finite loss. */
    static final double MIN_PROBABILITY = Float.MIN_VALUE;

    private final InjectableNetwork network;
    private final int maxBatch;
    private final boolean outputIsSoftmax;
    private final boolean earlyMasking;
    private final double nearTie;
    private final boolean cone;
    private long rowsRun;
    private long rowsRerun;

    /**
     * An engine with early masking on, every fault run the exact way (beside a clean row).
     *
     * @param network the network (one engine per thread)
     * @param maxBatch most rows per suffix batch (clean rows included), at least 2
     */
    public InjectionEngine(InjectableNetwork network, int maxBatch) {
        this(network, maxBatch, true);
    }

    /**
     * @param network the network (one engine per thread)
     * @param maxBatch most rows per suffix batch (clean rows included), at least 2
     * @param earlyMasking drop faulty rows from a suffix batch once their perturbation is provably gone
     *     (see {@link InjectableNetwork#suffix(int, INDArray, GoldenPass, int[], int[], long[])}); every
     *     fault runs the exact way
     */
    public InjectionEngine(InjectableNetwork network, int maxBatch, boolean earlyMasking) {
        this(network, maxBatch, earlyMasking, EXACT);
    }

    /**
     * @param network the network (one engine per thread)
     * @param maxBatch most rows per suffix batch (clean rows included), at least 2
     * @param earlyMasking drop faulty rows once their perturbation is provably gone
     * @param nearTie golden reuse: faults run in batches of their own and are compared with the
     *     golden pass, and a fault whose clean or faulty top-2 probabilities differ by less than
     *     this is re-run beside a clean row of its image ({@link #DEFAULT_NEAR_TIE}); {@link #EXACT}
     *     runs every fault beside a clean row
     */
    public InjectionEngine(InjectableNetwork network, int maxBatch, boolean earlyMasking, double nearTie) {
        this(network, maxBatch, earlyMasking, nearTie, false);
    }

    /**
     * @param network the network (one engine per thread)
     * @param maxBatch most rows per suffix batch (clean rows included), at least 2
     * @param earlyMasking drop faulty rows once their perturbation is provably gone
     * @param nearTie golden reuse's near-tie tolerance, or {@link #EXACT}
     * @param cone under golden reuse, recompute only each fault's cone of influence where the network
     *     can follow one ({@link InjectableNetwork#hasCone}); its rounding differs from a full map's
     *     as a batch's does, and the near-tie re-run covers it. The cone drops masked faults itself,
     *     whatever {@code earlyMasking} says. Ignored with {@link #EXACT}.
     */
    public InjectionEngine(InjectableNetwork network, int maxBatch, boolean earlyMasking, double nearTie,
                           boolean cone) {
        if (maxBatch < 2) {
            throw new IllegalArgumentException("max batch " + maxBatch + " must be >= 2 (one clean row + one fault)");
        }
        this.network = network;
        this.maxBatch = maxBatch;
        this.outputIsSoftmax = endsInSoftmax(network);
        this.earlyMasking = earlyMasking;
        if (!(nearTie >= 0 || nearTie == EXACT)) {
            throw new IllegalArgumentException("near-tie tolerance " + nearTie + " must be >= 0, or EXACT (-1)");
        }
        this.nearTie = nearTie;
        this.cone = cone;
    }

    /**
     * Faulty rows this engine has run, how many of them early masking dropped before the end, and
     * how many near ties were run a second time beside their clean rows.
     */
    public long[] rowStatistics() {
        return new long[] {rowsRun, network.rowsMaskedEarly(), rowsRerun};
    }

    /** The network this engine runs. */
    public InjectableNetwork network() {
        return network;
    }

    /** The clean pass of {@code images} (NCHW or whatever the network takes), every layer kept. */
    public GoldenPass golden(INDArray images) {
        return network.golden(images);
    }

    /**
     * Injects {@code faults} (FP32 single-bit flips) into the output of {@code layer} and
     * classifies each.
     *
     * @return one result per fault, in the order given
     */
    public List<TrialResult> inject(GoldenPass golden, int layer, List<Fault> faults) {
        return inject(golden, layer, faults, FaultModel.FP32_FLIP.corruption(1f));
    }

    /**
     * Injects {@code faults} into the output of {@code layer}, each neuron's value replaced by
     * {@code corruption}, and classifies each.
     *
     * @return one result per fault, in the order given
     */
    public List<TrialResult> inject(GoldenPass golden, int layer, List<Fault> faults, Corruption corruption) {
        if (layer < 0 || layer >= network.size()) {
            throw new IllegalArgumentException("layer " + layer + " outside 0.." + (network.size() - 1));
        }
        long neurons = golden.neurons(layer);
        for (Fault f : faults) {
            if (f.imageRow() >= golden.images()) {
                throw new IllegalArgumentException("fault " + f.trialId() + ": image row " + f.imageRow()
                        + " outside the golden pass of " + golden.images() + " images");
            }
            if (f.neuronIndex() >= neurons) {
                throw new IllegalArgumentException("fault " + f.trialId() + ": neuron " + f.neuronIndex()
                        + " outside 0.." + (neurons - 1) + " of layer " + network.names().get(layer));
            }
        }
        List<Integer> order = new ArrayList<>(faults.size());
        for (int i = 0; i < faults.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> faults.get(i).imageRow()));

        INDArray act = golden.activations()[layer];
        INDArray flat = act.reshape('c', act.size(0), neurons);
        TrialResult[] results = new TrialResult[faults.size()];
        if (nearTie < 0) {
            runExact(golden, flat, act.shape(), layer, faults, order, corruption, results);
            return Arrays.asList(results);
        }
        INDArray goldenOut = network.goldenOutput(golden);
        int classes = (int) goldenOut.size(1);
        float[] goldenProbs = goldenOut.castTo(DataType.FLOAT).dup('c').data().asFloat();
        List<Integer> again = new ArrayList<>();
        for (int from = 0; from < order.size(); from += maxBatch) {
            List<Integer> chunk = order.subList(from, Math.min(order.size(), from + maxBatch));
            runAgainstGolden(golden, flat, act.shape(), layer, faults, chunk, corruption, goldenProbs, classes,
                    results, again);
        }
        if (!again.isEmpty()) {
            rowsRerun += again.size();
            runExact(golden, flat, act.shape(), layer, faults, again, corruption, results);
        }
        return Arrays.asList(results);
    }

    /**
     * Runs {@code indices} (sorted by image) in suffix batches that carry each image's clean row
     * beside its faults, so every fault is compared with a clean row computed by the same kernels.
     */
    private void runExact(GoldenPass golden, INDArray flat, long[] layerShape, int layer, List<Fault> faults,
                          List<Integer> indices, Corruption corruption, TrialResult[] results) {
        List<Integer> chunk = new ArrayList<>();
        int chunkImages = 0;
        int lastImage = -1;
        for (int idx : indices) {
            int image = faults.get(idx).imageRow();
            int extraRows = image == lastImage ? 1 : 2;
            if (!chunk.isEmpty() && chunkImages + chunk.size() + extraRows > maxBatch) {
                runChunk(golden, flat, layerShape, layer, faults, chunk, corruption, results);
                chunk.clear();
                chunkImages = 0;
                lastImage = -1;
                extraRows = 2;
            }
            if (extraRows == 2) {
                chunkImages++;
            }
            chunk.add(idx);
            lastImage = image;
        }
        if (!chunk.isEmpty()) {
            runChunk(golden, flat, layerShape, layer, faults, chunk, corruption, results);
        }
    }

    /**
     * Runs one suffix batch of faults alone (no clean rows) and compares each with its image's
     * output in the golden pass. A fault whose clean or faulty top-2 scores lie closer than
     * {@code nearTie}, or that ties, goes to {@code again}: another batch's rounding could decide it.
     */
    private void runAgainstGolden(GoldenPass golden, INDArray flat, long[] layerShape, int layer, List<Fault> faults,
                                  List<Integer> chunk, Corruption corruption, float[] goldenProbs, int classes,
                                  TrialResult[] results, List<Integer> again) {
        List<Integer> changed = new ArrayList<>(chunk.size());
        List<float[]> values = new ArrayList<>(chunk.size());
        for (int idx : chunk) {
            Fault f = faults.get(idx);
            float before = flat.getFloat(f.imageRow(), f.neuronIndex());
            float after = corruption.apply(before, f);
            if (Float.floatToRawIntBits(after) == Float.floatToRawIntBits(before)) {
                // Nothing changed (a detector or format kept the value): the row is the golden row.
                results[idx] = classify(f, before, after, goldenProbs, f.imageRow(), goldenProbs, f.imageRow(), classes);
            } else {
                changed.add(idx);
                values.add(new float[] {before, after});
            }
        }
        int rows = changed.size();
        if (rows == 0) {
            return;
        }
        int[] rowImages = new int[rows];
        long[] neuronOf = new long[rows];
        for (int j = 0; j < rows; j++) {
            Fault f = faults.get(changed.get(j));
            rowImages[j] = f.imageRow();
            neuronOf[j] = f.neuronIndex();
        }
        INDArray out;
        if (cone && network.hasCone(layer, golden)) {
            float[] after = new float[rows];
            for (int j = 0; j < rows; j++) {
                after[j] = values.get(j)[1];
            }
            out = network.suffixOfPoints(layer, golden, rowImages, neuronOf, after);
        } else if (earlyMasking) {
            int[] cleanOf = new int[rows];
            Arrays.fill(cleanOf, RowTracker.GOLDEN);
            out = network.suffix(layer, siteBatch(flat, layerShape, rowImages, neuronOf, values), golden, rowImages,
                    cleanOf, neuronOf);
        } else {
            out = network.suffix(layer, siteBatch(flat, layerShape, rowImages, neuronOf, values), golden, rowImages);
        }
        rowsRun += rows;
        float[] probs = out.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int j = 0; j < rows; j++) {
            int idx = changed.get(j);
            Fault f = faults.get(idx);
            TrialResult r = classify(f, values.get(j)[0], values.get(j)[1], goldenProbs, f.imageRow(), probs, j, classes);
            boolean close = r.outcome() == Outcome.TIE || r.goldenTop2diff() < nearTie
                    || (r.outcome() != Outcome.NON_FINITE && margin(probs, j, classes) < nearTie);
            if (close) {
                again.add(idx);
            } else {
                results[idx] = r;
            }
        }
    }

    /** The site's output for each fault: its image's golden row with the fault's value set. */
    private static INDArray siteBatch(INDArray flat, long[] layerShape, int[] rowImages, long[] neuronOf,
                                      List<float[]> values) {
        INDArray batch = Rows.gather(flat, rowImages).castTo(DataType.FLOAT);
        for (int j = 0; j < rowImages.length; j++) {
            batch.putScalar(j, neuronOf[j], values.get(j)[1]);
        }
        long[] shape = layerShape.clone();
        shape[0] = rowImages.length;
        return batch.reshape('c', shape);
    }

    /** Top-1 minus top-2 score of one output row, as a probability. */
    private double margin(float[] out, int row, int classes) {
        return predict(out, row, classes, -1).top2diff();
    }

    private void runChunk(GoldenPass golden, INDArray flat, long[] layerShape, int layer, List<Fault> faults,
                          List<Integer> chunk, Corruption corruption, TrialResult[] results) {
        int n = (int) flat.size(1);
        Map<Integer, Integer> cleanRow = new HashMap<>();
        List<float[]> cleanValues = new ArrayList<>();
        for (int idx : chunk) {
            int image = faults.get(idx).imageRow();
            if (!cleanRow.containsKey(image)) {
                cleanRow.put(image, cleanValues.size());
                cleanValues.add(flat.getRow(image).toFloatVector());
            }
        }
        int[] rowImages = new int[cleanValues.size() + chunk.size()];
        cleanRow.forEach((image, row) -> rowImages[row] = image);
        for (int j = 0; j < chunk.size(); j++) {
            rowImages[cleanValues.size() + j] = faults.get(chunk.get(j)).imageRow();
        }
        int rows = cleanValues.size() + chunk.size();
        float[] buf = new float[rows * n];
        for (int r = 0; r < cleanValues.size(); r++) {
            System.arraycopy(cleanValues.get(r), 0, buf, r * n, n);
        }
        float[] before = new float[chunk.size()];
        float[] after = new float[chunk.size()];
        for (int j = 0; j < chunk.size(); j++) {
            Fault f = faults.get(chunk.get(j));
            int row = cleanValues.size() + j;
            System.arraycopy(cleanValues.get(cleanRow.get(f.imageRow())), 0, buf, row * n, n);
            int pos = row * n + (int) f.neuronIndex();
            before[j] = buf[pos];
            after[j] = corruption.apply(before[j], f);
            buf[pos] = after[j];
        }
        long[] shape = layerShape.clone();
        shape[0] = rows;
        INDArray batch = Nd4j.create(buf, shape, 'c').castTo(DataType.FLOAT);
        INDArray out;
        if (earlyMasking) {
            int[] cleanOf = new int[rows];
            long[] neuronOf = new long[rows];
            java.util.Arrays.fill(cleanOf, 0, cleanValues.size(), -1);
            for (int j = 0; j < chunk.size(); j++) {
                Fault f = faults.get(chunk.get(j));
                cleanOf[cleanValues.size() + j] = cleanRow.get(f.imageRow());
                neuronOf[cleanValues.size() + j] = f.neuronIndex();
            }
            out = network.suffix(layer, batch, golden, rowImages, cleanOf, neuronOf);
        } else {
            out = network.suffix(layer, batch, golden, rowImages);
        }
        rowsRun += chunk.size();
        int classes = (int) out.size(1);
        float[] probs = out.castTo(DataType.FLOAT).dup('c').data().asFloat();

        for (int j = 0; j < chunk.size(); j++) {
            Fault f = faults.get(chunk.get(j));
            int clean = cleanRow.get(f.imageRow());
            // A fault that left the value's bits as they were is its clean row, exactly: its own row
            // of the batch may still round differently in the last bits (oneDNN need not compute
            // every row of a batch by the same kernel path), which must not show as a delta.
            boolean unchanged = Float.floatToRawIntBits(after[j]) == Float.floatToRawIntBits(before[j]);
            results[chunk.get(j)] = classify(f, before[j], after[j], probs, clean, probs,
                    unchanged ? clean : cleanValues.size() + j, classes);
        }
    }

    /**
     * Compares one faulty output row with its clean row and builds the result.
     *
     * @param clean output rows holding the clean row {@code cleanRow}
     * @param faulty output rows holding the faulty row {@code faultyRow}
     */
    TrialResult classify(Fault f, float before, float after, float[] clean, int cleanRow, float[] faulty,
                         int faultyRow, int classes) {
        // The clean row's loss depends on the fault's label, so it is not shared between faults.
        Prediction g = predict(clean, cleanRow, classes, f.label());
        Prediction p = predict(faulty, faultyRow, classes, f.label());
        Outcome outcome;
        if (!p.finite()) {
            outcome = Outcome.NON_FINITE;
        } else if (p.tied()) {
            outcome = Outcome.TIE;
        } else if (p.top1() != g.top1()) {
            outcome = Outcome.SDC;
        } else {
            outcome = Outcome.MASKED;
        }
        float deltaLoss = p.finite() && g.finite() ? (float) Math.abs(g.loss() - p.loss()) : Float.NaN;
        return new TrialResult(f, before, after, g.top1(), p.finite() ? p.top1() : -1, g.confidence(),
                p.finite() ? p.confidence() : Float.NaN, g.top2diff(), outcome, deltaLoss);
    }

    /** Top-1, confidence, margin and cross-entropy of one output row. */
    private record Prediction(boolean finite, int top1, float confidence, float top2diff, double loss,
                              boolean tied) {}

    private Prediction predict(float[] out, int row, int classes, int label) {
        double[] p = new double[classes];
        for (int k = 0; k < classes; k++) {
            float v = out[row * classes + k];
            if (!Float.isFinite(v)) {
                return new Prediction(false, -1, Float.NaN, Float.NaN, Double.NaN, false);
            }
            p[k] = v;
        }
        if (!outputIsSoftmax) {
            softmaxInPlace(p);
        }
        int top1 = 0;
        for (int k = 1; k < classes; k++) {
            if (p[k] > p[top1]) {
                top1 = k;
            }
        }
        double second = Double.NEGATIVE_INFINITY;
        boolean tied = false;
        for (int k = 0; k < classes; k++) {
            if (k != top1 && p[k] > second) {
                second = p[k];
            }
            tied |= k != top1 && p[k] == p[top1];
        }
        double loss = label >= 0 && label < classes ? -Math.log(Math.max(p[label], MIN_PROBABILITY)) : Double.NaN;
        return new Prediction(true, top1, (float) p[top1], (float) (p[top1] - (classes > 1 ? second : 0)), loss,
                tied);
    }

    private static void softmaxInPlace(double[] z) {
        double max = Arrays.stream(z).max().orElse(0);
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < z.length; k++) {
            z[k] /= sum;
        }
    }

    private static boolean endsInSoftmax(InjectableNetwork net) {
        org.deeplearning4j.nn.api.Layer last;
        if (net.model() instanceof org.deeplearning4j.nn.multilayer.MultiLayerNetwork mln) {
            last = mln.getOutputLayer();
        } else {
            org.deeplearning4j.nn.graph.ComputationGraph g = (org.deeplearning4j.nn.graph.ComputationGraph) net.model();
            last = g.getOutputLayer(0);
        }
        var conf = last.conf().getLayer();
        if (conf instanceof BaseOutputLayer out) {
            return out.getActivationFn() instanceof ActivationSoftmax;
        }
        if (conf instanceof LossLayer loss) {
            return loss.getActivationFn() instanceof ActivationSoftmax;
        }
        return false;
    }
}
