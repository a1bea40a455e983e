package org.flipstorm.zoo.nets.head;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Parameters of the two halves of the split head: {@link CosineHead} holds the C x E matrix
 * {@code W} (a weight, so DL4J's L2 reaches it), {@link LogitScale} the log scale {@code s} (not a
 * weight: no L2 unless the whole-network decay of the study recipe is on). Keys as in
 * {@link TextGuidedHeadParams}, so a one-layer head's parameters map over by name.
 */
final class HeadParams implements ParamInitializer {
    static final HeadParams COSINE = new HeadParams(TextGuidedHeadParams.WEIGHTS);
    static final HeadParams SCALE = new HeadParams(TextGuidedHeadParams.LOG_SCALE);

    private final String key;

    private HeadParams(String key) {
        this.key = key;
    }

    private boolean cosine() {
        return key.equals(TextGuidedHeadParams.WEIGHTS);
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        if (cosine()) {
            CosineHead h = (CosineHead) layer;
            return h.getNIn() * h.getNOut();
        }
        return 1;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(key);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return cosine() ? List.of(key) : List.of();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String k) {
        return cosine() && key.equals(k);
    }

    @Override
    public boolean isBiasParam(Layer layer, String k) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initialize) {
        Map<String, INDArray> params = getGradientsFromFlattened(conf, view);
        if (initialize) {
            if (cosine()) {
                CosineHead h = (CosineHead) conf.getLayer();
                params.get(key).assign(Nd4j.create(h.getClassEmbeddings(), new long[] {h.getNOut(), h.getNIn()}, 'c')
                        .castTo(view.dataType()));
            } else {
                params.get(key).assign(TextGuidedHead.LOG_SCALE_INIT);
            }
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
        INDArray flat = view.reshape(view.length());
        if (cosine()) {
            CosineHead h = (CosineHead) conf.getLayer();
            return new java.util.LinkedHashMap<>(Map.of(key, flat.reshape('c', h.getNOut(), h.getNIn())));
        }
        return new java.util.LinkedHashMap<>(Map.of(key, flat.reshape(1, 1)));
    }
}
