package org.flipstorm.zoo.nets.head;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.nets.ExactLayer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link LogitScale} at work: exp(s) * x and its exact backward pass. */
public class LogitScaleLayer extends ExactLayer<LogitScale> {
    private static final long serialVersionUID = 1L;

    /** Creates the layer. */
    public LogitScaleLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** exp(s), the factor the logits are scaled by. */
    public double scale() {
        return Math.exp(getParam(TextGuidedHeadParams.LOG_SCALE).getDouble(0));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        // Same operation and order as the one-layer head (cosines, then muli by the scale), so the
        // split head's logits equal the old head's bit for bit.
        return mgr.leverageTo(ArrayType.ACTIVATIONS, input.castTo(dataType).dup().muli(scale()));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        double scale = scale();
        INDArray eps = epsilon.castTo(dataType);
        // d logits / d s = logits, so dL/ds = sum(eps * x) * exp(s).
        double dScale = eps.mul(input.castTo(dataType)).sumNumber().doubleValue() * scale;
        gradientViews.get(TextGuidedHeadParams.LOG_SCALE).assign(dScale);
        return gradients(eps.mul(scale), mgr, TextGuidedHeadParams.LOG_SCALE);
    }
}
