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
 * <p>For one layer, a suffix batch holds one clean row per distinct image followed by one row per
 * fault (a copy of that image's clean activation with the fault's neuron corrupted). Each fault is compared
 * with its image's clean row <em>of the same batch</em>, so the clean and faulty results share the
 * same kernels and blocking: oneDNN results may differ in the last bits between batch sizes, and a
 * golden taken from another batch would turn near-tie images into false SDCs.
 */
public final class InjectionEngine {
    /** Rows per suffix batch unless told otherwise. */
    public static final int DEFAULT_MAX_BATCH = 128;
    /** Probabilities are clamped to this before the log, so a vanished class gives a finite loss. */
    static final double MIN_PROBABILITY = Float.MIN_VALUE;

    private final InjectableNetwork network;
    private final int maxBatch;
    private final boolean outputIsSoftmax;
    private final boolean earlyMasking;
    private long rowsRun;

    /**
     * An engine with early masking on.
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
     *     (see {@link InjectableNetwork#suffix(int, INDArray, GoldenPass, int[], int[], long[])})
     */
    public InjectionEngine(InjectableNetwork network, int maxBatch, boolean earlyMasking) {
        if (maxBatch < 2) {
            throw new IllegalArgumentException("max batch " + maxBatch + " must be >= 2 (one clean row + one fault)");
        }
        this.network = network;
        this.maxBatch = maxBatch;
        this.outputIsSoftmax = endsInSoftmax(network);
        this.earlyMasking = earlyMasking;
    }

    /** Faulty rows this engine has run, and how many of them early masking dropped before the end. */
    public long[] rowStatistics() {
        return new long[] {rowsRun, network.rowsMaskedEarly()};
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
        Integer[] order = new Integer[faults.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> faults.get(i).imageRow()));

        INDArray act = golden.activations()[layer];
        INDArray flat = act.reshape('c', act.size(0), neurons);
        TrialResult[] results = new TrialResult[faults.size()];
        List<Integer> chunk = new ArrayList<>();
        int chunkImages = 0;
        int lastImage = -1;
        for (int idx : order) {
            int image = faults.get(idx).imageRow();
            int extraRows = image == lastImage ? 1 : 2;
            if (!chunk.isEmpty() && chunkImages + chunk.size() + extraRows > maxBatch) {
                runChunk(golden, flat, act.shape(), layer, faults, chunk, corruption, results);
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
            runChunk(golden, flat, act.shape(), layer, faults, chunk, corruption, results);
        }
        return Arrays.asList(results);
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
            results[chunk.get(j)] = classify(f, before[j], after[j], probs, cleanRow.get(f.imageRow()), probs,
                    cleanValues.size() + j, classes);
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
