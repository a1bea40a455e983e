package org.flipstorm.zoo.nets.vit;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link MultiHeadAttention} at work. Per head h, with Q, K, V of shape {@code [d, T]}:
 * {@code S = Q^T K / sqrt(d)} ({@code [T, T]}, row i = query i), {@code A = softmax over each row
 * of S}, {@code O = V A^T}. The backward pass: {@code dV = dO A}, {@code dA = dO^T V},
 * {@code dS = A * (dA - rowsum(dA * A))}, {@code dQ = K dS^T / sqrt(d)}, {@code dK = Q dS / sqrt(d)}.
 * All heads of all images run as one batch of {@code batch * heads} matrix products.
 */
public class MultiHeadAttentionVertex extends BaseGraphVertex {
    private final int heads;

    /** Creates the vertex. */
    public MultiHeadAttentionVertex(ComputationGraph graph, String name, int index, int heads, DataType dataType) {
        super(graph, name, index, null, null, dataType);
        this.heads = heads;
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("attention '" + vertexName + "': queries, keys and values not all set");
        }
        Heads h = split();
        INDArray out = Nd4j.matmul(h.v, attention(h), false, true, false);
        return mgr.leverageTo(ArrayType.ACTIVATIONS, out.reshape('c', inputs[2].shape()));
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("attention '" + vertexName + "': inputs or epsilon not set");
        }
        Heads h = split();
        INDArray a = attention(h);
        INDArray dOut = heads(epsilon);
        INDArray dV = Nd4j.matmul(dOut, a);
        INDArray dA = Nd4j.matmul(dOut, h.v, true, false, false);
        INDArray dS = dA.subi(dA.mul(a).sum(true, 2)).muli(a);
        double scale = 1 / Math.sqrt(h.q.size(1));
        INDArray dQ = Nd4j.matmul(h.k, dS, false, true, false).muli(scale);
        INDArray dK = Nd4j.matmul(h.q, dS).muli(scale);
        INDArray[] grads = new INDArray[3];
        INDArray[] perHead = {dQ, dK, dV};
        for (int i = 0; i < 3; i++) {
            grads[i] = mgr.leverageTo(ArrayType.ACTIVATION_GRAD, perHead[i].reshape('c', inputs[i].shape()));
        }
        return new Pair<>(null, grads);
    }

    private record Heads(INDArray q, INDArray k, INDArray v) {}

    /** Queries, keys and values as {@code [batch * heads, d, T]}. */
    private Heads split() {
        for (int i = 0; i < 3; i++) {
            if (inputs[i].rank() != 3 || inputs[i].size(1) % heads != 0
                    || !java.util.Arrays.equals(inputs[i].shape(), inputs[0].shape())) {
                throw new IllegalArgumentException("attention '" + vertexName + "' takes queries, keys and values of"
                        + " one shape [batch, features, tokens] with features a multiple of " + heads + "; got "
                        + java.util.Arrays.toString(inputs[i].shape()) + " as input " + i);
            }
        }
        return new Heads(heads(inputs[0]), heads(inputs[1]), heads(inputs[2]));
    }

    private INDArray heads(INDArray x) {
        long batch = x.size(0);
        long tokens = x.size(2);
        return x.castTo(dataType).dup('c').reshape('c', batch * heads, x.size(1) / heads, tokens);
    }

    /** A = softmax(Q^T K / sqrt(d)) over each row, {@code [batch * heads, T, T]}. */
    private static INDArray attention(Heads h) {
        INDArray s = Nd4j.matmul(h.q, h.k, true, false, false).muli(1 / Math.sqrt(h.q.size(1)));
        INDArray e = Transforms.exp(s.subi(s.max(true, 2)), false);
        return e.divi(e.sum(true, 2));
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null && backpropGradientsViewArray.length() > 0) {
            throw new IllegalStateException("attention '" + vertexName + "' has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        if (maskArrays != null) {
            for (INDArray m : maskArrays) {
                if (m != null) {
                    throw new UnsupportedOperationException("attention '" + vertexName + "' does not take masks;"
                            + " every image has the same number of patches");
                }
            }
        }
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public String toString() {
        return "MultiHeadAttentionVertex(name=" + vertexName + ", heads=" + heads + ")";
    }
}
