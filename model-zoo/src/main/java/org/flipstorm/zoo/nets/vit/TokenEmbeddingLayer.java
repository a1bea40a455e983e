package org.flipstorm.zoo.nets.vit;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.nets.ExactLayer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link TokenEmbedding} at work: reshape to tokens, add positions; the backward pass of both. */
public class TokenEmbeddingLayer extends ExactLayer<TokenEmbedding> {
    private static final long serialVersionUID = 1L;

    /** Creates the layer. */
    public TokenEmbeddingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        if (input.rank() != 4) {
            throw new IllegalArgumentException("token embedding '" + layerConf().getLayerName() + "' takes"
                    + " [batch, features, h, w]; got shape " + java.util.Arrays.toString(input.shape()));
        }
        long batch = input.size(0);
        INDArray positions = getParam(TokenEmbedding.POSITIONS);
        INDArray tokens = input.castTo(dataType).dup('c').reshape('c', batch, positions.size(0), positions.size(1));
        return mgr.leverageTo(ArrayType.ACTIVATIONS, tokens.addi(positions.reshape(1, positions.size(0),
                positions.size(1))));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        INDArray eps = epsilon.castTo(dataType);
        gradientViews.get(TokenEmbedding.POSITIONS).assign(eps.sum(0));
        INDArray dx = eps.dup('c').reshape('c', input.shape());
        return gradients(dx, mgr, TokenEmbedding.POSITIONS);
    }
}
