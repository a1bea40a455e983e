package org.flipstorm.zoo.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * Weight decay on every trainable parameter, as PyTorch's {@code SGD(weight_decay=wd)} applies it
 * to {@code model.parameters()}: {@code g += wd * p} after the gradient is computed and before the
 * updater (so it passes through momentum: the coupled form, which is DL4J's L2, not DL4J's
 * decoupled {@code WeightDecay}). DL4J's own L2 reaches only weights and biases; batch-norm gamma
 * and beta and the text-guided head's log scale s get none. This listener reaches all of them and
 * skips only parameters that no updater trains (batch norm's running mean and variance), which
 * PyTorch keeps as buffers, not parameters. Use it with the network's own L2 set to 0.
 */
public final class DecayAllParameters extends BaseTrainingListener {
    private final double coefficient;

    /** @param coefficient wd >= 0 */
    public DecayAllParameters(double coefficient) {
        if (!(coefficient >= 0)) {
            throw new IllegalArgumentException("weight decay " + coefficient + " must be >= 0");
        }
        this.coefficient = coefficient;
    }

    /** Names of the parameters this decays in {@code model}, as {@code layer_param}. */
    public static List<String> decayedParameters(Model model) {
        List<String> out = new ArrayList<>();
        for (Layer layer : layers(model)) {
            for (String key : layer.paramTable().keySet()) {
                if (trained(layer, key)) {
                    out.add(layer.conf().getLayer().getLayerName() + "_" + key);
                }
            }
        }
        return out;
    }

    @Override
    public void onGradientCalculation(Model model) {
        if (coefficient == 0) {
            return;
        }
        // DL4J divides the whole gradient by the minibatch size after this hook (its losses are sums),
        // so the term is pre-multiplied to arrive as wd * p, like its own L2.
        double perExample = coefficient * model.batchSize();
        for (Layer layer : layers(model)) {
            INDArray flat = layer.getGradientsViewArray();
            if (flat == null || layer.numParams() == 0) {
                continue;
            }
            // Per-parameter views of the layer's slice of the flattened gradient that the updater reads.
            Map<String, INDArray> grads = layer.conf().getLayer().initializer()
                    .getGradientsFromFlattened(layer.conf(), flat);
            for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                INDArray g = grads.get(p.getKey());
                if (g != null && trained(layer, p.getKey())) {
                    INDArray value = p.getValue();
                    if (!java.util.Arrays.equals(g.shape(), value.shape())) {
                        // DL4J's 1D convolution (the ViT's projections) keeps W as [out, in, k, 1] in
                        // its parameter table and as [out, in, k] in its gradient view: the same
                        // values in the same order.
                        value = value.reshape('c', g.shape());
                    }
                    g.addi(value.mul(perExample));
                }
            }
        }
    }

    private static boolean trained(Layer layer, String key) {
        IUpdater u = layer.conf().getLayer().getUpdaterByParam(key);
        return u != null && !(u instanceof NoOp);
    }

    private static Layer[] layers(Model model) {
        if (model instanceof ComputationGraph cg) {
            return cg.getLayers();
        }
        if (model instanceof MultiLayerNetwork mln) {
            return mln.getLayers();
        }
        throw new IllegalArgumentException("cannot decay the parameters of " + model.getClass().getName()
                + "; expected a MultiLayerNetwork or a ComputationGraph");
    }
}
