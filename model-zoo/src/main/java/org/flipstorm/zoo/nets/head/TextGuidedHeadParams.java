package org.flipstorm.zoo.nets.head;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Parameters of the text-guided head: the C x E matrix {@code W}, then the log scale {@code s}. */
public final class TextGuidedHeadParams implements ParamInitializer {
    /** Parameter key of the class-embedding matrix (C x E). */
    public static final String WEIGHTS = "W";
    /** Parameter key of the log scale s (1 x 1). */
    public static final String LOG_SCALE = "s";
    static final TextGuidedHeadParams INSTANCE = new TextGuidedHeadParams();

    private TextGuidedHeadParams() {}

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        TextGuidedHead h = (TextGuidedHead) layer;
        return h.getNIn() * h.getNOut() + 1;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(WEIGHTS, LOG_SCALE);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(WEIGHTS);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHTS.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initialize) {
        TextGuidedHead h = (TextGuidedHead) conf.getLayer();
        Map<String, INDArray> params = split(h, view);
        if (initialize) {
            params.get(WEIGHTS).assign(Nd4j.create(h.getClassEmbeddings(), new long[] {h.getNOut(), h.getNIn()}, 'c')
                    .castTo(view.dataType()));
            params.get(LOG_SCALE).assign(TextGuidedHead.LOG_SCALE_INIT);
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
        return split((TextGuidedHead) conf.getLayer(), view);
    }

    private static Map<String, INDArray> split(TextGuidedHead h, INDArray view) {
        long w = h.getNIn() * h.getNOut();
        INDArray flat = view.reshape(view.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(WEIGHTS, flat.get(NDArrayIndex.interval(0, w)).reshape('c', h.getNOut(), h.getNIn()));
        out.put(LOG_SCALE, flat.get(NDArrayIndex.interval(w, w + 1)).reshape(1, 1));
        return out;
    }
}
