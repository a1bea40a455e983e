package org.flipstorm.zoo.nets.vit;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.nets.ExactLayer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@link LayerNorm} at work: the forward pass over dimension 1 and its exact backward pass. */
public class LayerNormLayer extends ExactLayer<LayerNorm> {
    private static final long serialVersionUID = 1L;

    /** Creates the layer. */
    public LayerNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        Normalised n = normalise(input.castTo(dataType));
        INDArray y = n.xHat.mul(perFeature(LayerNorm.GAIN, n.xHat.rank())).addi(perFeature(LayerNorm.BIAS,
                n.xHat.rank()));
        return mgr.leverageTo(ArrayType.ACTIVATIONS, y);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        Normalised n = normalise(input.castTo(dataType));
        INDArray dy = epsilon.castTo(dataType);
        int rank = dy.rank();
        // Gain and bias act per feature: their gradients sum over the batch and the tokens.
        int[] others = rank == 3 ? new int[] {0, 2} : new int[] {0};
        gradientViews.get(LayerNorm.GAIN).assign(dy.mul(n.xHat).sum(others).reshape(1, -1));
        gradientViews.get(LayerNorm.BIAS).assign(dy.sum(others).reshape(1, -1));
        // dx = (dxh - mean(dxh) - xh * mean(dxh * xh)) / sqrt(var + eps), means over the features,
        // with dxh = dy * gain.
        INDArray dxHat = dy.mul(perFeature(LayerNorm.GAIN, rank));
        INDArray dx = dxHat.sub(dxHat.mean(true, 1)).subi(n.xHat.mul(dxHat.mul(n.xHat).mean(true, 1)))
                .muli(n.inverseStd);
        return gradients(dx, mgr, LayerNorm.GAIN, LayerNorm.BIAS);
    }

    private record Normalised(INDArray xHat, INDArray inverseStd) {}

    private Normalised normalise(INDArray x) {
        if (x.rank() != 2 && x.rank() != 3) {
            throw new IllegalArgumentException("layer norm '" + layerConf().getLayerName() + "' takes [batch, features]"
                    + " or [batch, features, tokens]; got shape " + java.util.Arrays.toString(x.shape()));
        }
        INDArray centred = x.sub(x.mean(true, 1));
        INDArray variance = centred.mul(centred).mean(true, 1);
        INDArray inverseStd = Transforms.pow(variance.addi(layerConf().getEps()), -0.5, false);
        return new Normalised(centred.muli(inverseStd), inverseStd);
    }

    /** A parameter row shaped to broadcast over dimension 1 of a rank-{@code rank} array. */
    private INDArray perFeature(String key, int rank) {
        INDArray p = getParam(key);
        return rank == 3 ? p.reshape(1, p.length(), 1) : p.reshape(1, p.length());
    }
}
