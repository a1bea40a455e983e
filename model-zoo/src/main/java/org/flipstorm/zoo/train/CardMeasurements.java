package org.flipstorm.zoo.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.data.Normalization;
import org.flipstorm.zoo.nets.CleanPass;
import org.flipstorm.zoo.nets.head.LogitScale;
import org.flipstorm.zoo.nets.head.TextGuidedHead;
import org.flipstorm.zoo.nets.head.TextGuidedHeadParams;
import org.flipstorm.zoo.runtime.NativeCollector;
import org.flipstorm.zoo.store.ModelCard;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What a model card measures beyond accuracy: the learned logit scale and per-layer activation ranges. */
public final class CardMeasurements {
    private CardMeasurements() {}

    /** exp(s) of the network's cosine head, or null when it has none (a baseline head). */
    public static Double logitScale(Model net) {
        Layer[] layers = net instanceof ComputationGraph g ? g.getLayers() : ((MultiLayerNetwork) net).getLayers();
        for (Layer l : layers) {
            var conf = l.conf().getLayer();
            if (conf instanceof LogitScale || conf instanceof TextGuidedHead) {
                return Math.exp(l.getParam(TextGuidedHeadParams.LOG_SCALE).getDouble(0));
            }
        }
        return null;
    }

    /**
     * The largest |activation| of every layer (every graph vertex but the input), its own output and
     * not the in-place activation after it ({@link CleanPass}), over the first {@code count} images of {@code data}, inputs normalised by {@code norm}, in batches of 250.
     */
    public static ModelCard.ActivationProfile profile(Model net, ImageSet data, Normalization norm, int count) {
        if (count < 1 || count > data.size()) {
            throw new IllegalArgumentException("cannot profile " + count + " images of a set of " + data.size());
        }
        Map<String, Double> max = new LinkedHashMap<>();
        NativeCollector collector = new NativeCollector();
        for (int start = 0; start < count; start += 250) {
            int[] idx = IntStream.range(start, Math.min(count, start + 250)).toArray();
            INDArray x = data.features(idx, norm);
            // Each layer's own output: feedForward would give a layer feeding a ReLU its post-ReLU values.
            CleanPass.byName(net, x).forEach((name, act) -> max.merge(name, act.amaxNumber().doubleValue(), Math::max));
            collector.tick();
        }
        List<ModelCard.LayerMax> layers = new ArrayList<>();
        max.forEach((n, m) -> layers.add(new ModelCard.LayerMax(n, m)));
        return new ModelCard.ActivationProfile(data.split(), count, layers);
    }
}
