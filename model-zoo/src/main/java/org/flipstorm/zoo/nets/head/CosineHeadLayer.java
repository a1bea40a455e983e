package org.flipstorm.zoo.nets.head;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.nets.ExactLayer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link CosineHead} at work: (x / ||x||) W^T and its exact backward pass. */
public class CosineHeadLayer extends ExactLayer<CosineHead> {
    private static final long serialVersionUID = 1L;

    /** Creates the layer. */
    public CosineHeadLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        INDArray unit = UnitRows.unit(input.castTo(dataType));
        return mgr.leverageTo(ArrayType.ACTIVATIONS, unit.mmul(getParam(TextGuidedHeadParams.WEIGHTS).transpose()));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        INDArray x = input.castTo(dataType);
        INDArray norm = UnitRows.norms(x);
        INDArray unit = x.divColumnVector(norm);
        INDArray w = getParam(TextGuidedHeadParams.WEIGHTS);
        INDArray eps = epsilon.castTo(dataType);
        INDArray dUnit = eps.mmul(w);
        INDArray dx = UnitRows.inputGradient(dUnit, unit, norm);
        gradientViews.get(TextGuidedHeadParams.WEIGHTS).assign(eps.transpose().mmul(unit));
        return gradients(dx, mgr, TextGuidedHeadParams.WEIGHTS);
    }
}
