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
import org.flipstorm.zoo.nets.head.LogitScale;
import org.flipstorm.zoo.nets.head.TextGuidedHead;
import org.flipstorm.zoo.nets.head.TextGuidedHeadParams;
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
     * The largest |activation| of every layer (every graph vertex but the input) over the first
     * {@code count} images of {@code data}, inputs normalised by {@code norm}, in batches of 250.
     */
    public static ModelCard.ActivationProfile profile(Model net, ImageSet data, Normalization norm, int count) {
        if (count < 1 || count > data.size()) {
            throw new IllegalArgumentException("cannot profile " + count + " images of a set of " + data.size());
        }
        Map<String, Double> max = new LinkedHashMap<>();
        for (int start = 0; start < count; start += 250) {
            int[] idx = IntStream.range(start, Math.min(count, start + 250)).toArray();
            INDArray x = data.features(idx, norm);
            if (net instanceof MultiLayerNetwork mln) {
                List<INDArray> acts = mln.feedForward(x, false);
                for (int k = 0; k < mln.getnLayers(); k++) {
                    max.merge(mln.getLayer(k).conf().getLayer().getLayerName(), acts.get(k + 1).amaxNumber()
                            .doubleValue(), Math::max);
                }
            } else {
                ComputationGraph g = (ComputationGraph) net;
                Map<String, INDArray> acts = g.feedForward(x, false);
                for (int v : g.topologicalSortOrder()) {
                    String name = g.getVertices()[v].getVertexName();
                    if (!g.getVertices()[v].isInputVertex() && acts.containsKey(name)) {
                        max.merge(name, acts.get(name).amaxNumber().doubleValue(), Math::max);
                    }
                }
            }
        }
        List<ModelCard.LayerMax> layers = new ArrayList<>();
        max.forEach((n, m) -> layers.add(new ModelCard.LayerMax(n, m)));
        return new ModelCard.ActivationProfile(data.split(), count, layers);
    }
}
