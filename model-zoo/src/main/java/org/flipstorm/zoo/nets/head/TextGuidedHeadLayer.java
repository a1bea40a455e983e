package org.flipstorm.zoo.nets.head;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.nets.ExactLayer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The text-guided head at work: logits = exp(s) * (x / ||x||) W^T, with its exact backward pass
 * (checked against finite differences by {@code TextGuidedHeadTest}). The one-layer form of
 * {@link CosineHeadLayer} followed by {@link LogitScaleLayer}, kept so models saved with it load.
 */
public class TextGuidedHeadLayer extends ExactLayer<TextGuidedHead> {
    private static final long serialVersionUID = 1L;
    /** Creates the layer. */
    public TextGuidedHeadLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        INDArray x = input.castTo(dataType);
        INDArray unit = UnitRows.unit(x);
        double scale = Math.exp(getParam(TextGuidedHeadParams.LOG_SCALE).getDouble(0));
        INDArray logits = unit.mmul(getParam(TextGuidedHeadParams.WEIGHTS).transpose()).muli(scale);
        return mgr.leverageTo(ArrayType.ACTIVATIONS, logits);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        INDArray x = input.castTo(dataType);
        INDArray norm = UnitRows.norms(x);
        INDArray unit = x.divColumnVector(norm);
        INDArray w = getParam(TextGuidedHeadParams.WEIGHTS);
        double scale = Math.exp(getParam(TextGuidedHeadParams.LOG_SCALE).getDouble(0));
        INDArray cosine = unit.mmul(w.transpose());
        INDArray dCosine = epsilon.castTo(dataType).mul(scale);
        // d logits / d s = logits, so dL/ds = sum(eps * cosine) * exp(s).
        double dScale = epsilon.castTo(dataType).mul(cosine).sumNumber().doubleValue() * scale;
        INDArray dW = dCosine.transpose().mmul(unit);
        INDArray dUnit = dCosine.mmul(w);
        INDArray dx = UnitRows.inputGradient(dUnit, unit, norm);

        gradientViews.get(TextGuidedHeadParams.WEIGHTS).assign(dW);
        gradientViews.get(TextGuidedHeadParams.LOG_SCALE).assign(dScale);
        return gradients(dx, mgr, TextGuidedHeadParams.WEIGHTS, TextGuidedHeadParams.LOG_SCALE);
    }
}
