package org.flipstorm.zoo.nets;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the zoo's own layers (the text-guided head's parts, the transformer's layer norm and token
 * embedding) share: each writes its forward and exact backward pass itself, has no bias in DL4J's
 * sense and no pre-training, and hands back its parameter gradients from their flattened views.
 */
public abstract class ExactLayer<C extends org.deeplearning4j.nn.conf.layers.BaseLayer> extends BaseLayer<C> {
    private static final long serialVersionUID = 1L;

    protected ExactLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * The result of a backward pass: the gradient views of {@code params} (filled by the caller)
     * and {@code inputGradient}, placed where DL4J expects activation gradients.
     */
    protected Pair<Gradient, INDArray> gradients(INDArray inputGradient, LayerWorkspaceMgr mgr, String... params) {
        Gradient g = new DefaultGradient(gradientsFlattened);
        for (String p : params) {
            g.gradientForVariable().put(p, gradientViews.get(p));
        }
        return new Pair<>(g, mgr.leverageTo(ArrayType.ACTIVATION_GRAD, inputGradient));
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }
}
