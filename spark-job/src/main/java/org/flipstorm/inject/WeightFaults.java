package org.flipstorm.inject;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * Permanent faults in weights: one value of one layer's parameter is corrupted while a batch of
 * images is classified, then restored to its exact bits. The restore is checked; a network whose
 * weight could not be restored is never handed back silently.
 */
public final class WeightFaults {
    /** DL4J's key of the weight matrix or kernel of convolution and dense layers. */
    public static final String WEIGHTS = "W";

    private final InjectionEngine engine;
    private GoldenPass lastPass;
    private int lastSite = -1;
    private float[] lastClean;

    /** Weight faults run with the engine's network and classification. */
    public WeightFaults(InjectionEngine engine) {
        this.engine = engine;
    }

    /** Number of values of parameter {@code key} of the site's layer (0 if it has none). */
    public long weights(int site, String key) {
        Layer layer = engine.network().layer(site);
        if (layer == null || !layer.paramTable().containsKey(key)) {
            return 0;
        }
        return layer.getParam(key).length();
    }

    /**
     * Classifies every image of {@code golden} with one weight corrupted. The clean output of the
     * last (pass, site) is kept, so consecutive faults of one layer on one pass share it.
     *
     * @param site the layer's site
     * @param key parameter key, usually {@link #WEIGHTS}
     * @param fault {@code neuronIndex} is the weight's flat (C-order) index in the parameter; its
     *     image row and label are ignored: every image of the pass is classified
     * @param labels true class of each image of the pass
     * @return one result per image; the fault of result r carries image row r and its label
     */
    public List<TrialResult> inject(GoldenPass golden, int site, String key, Fault fault,
                                    Corruption corruption, int[] labels) {
        Layer layer = engine.network().layer(site);
        if (layer == null || !layer.paramTable().containsKey(key)) {
            throw new IllegalArgumentException("site " + site + " (" + engine.network().names().get(site)
                    + ") has no parameter '" + key + "'");
        }
        if (labels.length != golden.images()) {
            throw new IllegalArgumentException(labels.length + " labels for " + golden.images() + " images");
        }
        INDArray param = layer.getParam(key);
        if (fault.neuronIndex() >= param.length()) {
            throw new IllegalArgumentException("weight " + fault.neuronIndex() + " outside 0.." + (param.length() - 1)
                    + " of " + key + " in " + engine.network().names().get(site));
        }
        long[] at = Shape.ind2subC(param.shape(), fault.neuronIndex());
        float before = param.getFloat(at);
        int rawBefore = Float.floatToRawIntBits(before);
        // Clean and faulty outputs come from the same computation (the layer and what follows it,
        // re-run on golden inputs), so they share kernels and batch shape.
        if (golden != lastPass || site != lastSite) {
            lastClean = engine.network().rerunFrom(site, golden).dup('c').data().asFloat();
            lastPass = golden;
            lastSite = site;
        }
        float[] clean = lastClean;
        float after = corruption.apply(before, fault);
        float[] faulty;
        try {
            param.putScalar(at, after);
            faulty = engine.network().rerunFrom(site, golden).dup('c').data().asFloat();
        } finally {
            param.putScalar(at, Float.intBitsToFloat(rawBefore));
        }
        int rawRestored = Float.floatToRawIntBits(param.getFloat(at));
        if (rawRestored != rawBefore) {
            throw new IllegalStateException(String.format("weight %d of %s in %s not restored: bits 0x%08x, expected"
                    + " 0x%08x; the network is corrupt and must be reloaded", fault.neuronIndex(), key,
                    engine.network().names().get(site), rawRestored, rawBefore));
        }
        int classes = clean.length / golden.images();
        List<TrialResult> out = new ArrayList<>(golden.images());
        for (int row = 0; row < golden.images(); row++) {
            Fault f = new Fault(fault.trialId(), row, labels[row], fault.neuronIndex(), fault.bit(), fault.mask());
            out.add(engine.classify(f, before, after, clean, row, faulty, row, classes));
        }
        return out;
    }
}
