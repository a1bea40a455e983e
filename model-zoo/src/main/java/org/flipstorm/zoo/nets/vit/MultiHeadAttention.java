package org.flipstorm.zoo.nets.vit;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scaled dot-product attention of several heads over already projected queries, keys and values
 * (inputs 0, 1, 2, each {@code [batch, features, tokens]}): the features split into {@code heads}
 * groups of d = features / heads, and per head {@code out = V softmax(Q^T K / sqrt(d))^T}, the
 * heads concatenated back in the same feature order (PyTorch's {@code nn.MultiheadAttention}
 * between its input and output projections). No parameters: the projections are the separate
 * {@code _q}, {@code _k}, {@code _v} and {@code _proj} layers around it, so that each is a fault site.
 *
 * <p>DL4J's {@code AttentionVertex} does the same only with its projections inside it (one site
 * for all four) or, without them, for one head only; hence this vertex.
 */
public class MultiHeadAttention extends GraphVertex {
    private static final long serialVersionUID = 1L;

    private int heads;

    /** For JSON deserialisation. */
    protected MultiHeadAttention() {}

    /** Attention with {@code heads} heads (the feature count must be a multiple of it). */
    public MultiHeadAttention(int heads) {
        if (heads < 1) {
            throw new IllegalArgumentException("heads " + heads + " must be >= 1");
        }
        this.heads = heads;
    }

    /** Number of heads. */
    public int getHeads() {
        return heads;
    }

    @Override
    public MultiHeadAttention clone() {
        return new MultiHeadAttention(heads);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiHeadAttention m && m.heads == heads;
    }

    @Override
    public int hashCode() {
        return 31 + heads;
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 3;
    }

    @Override
    public int maxVertexInputs() {
        return 3;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                     INDArray paramsView, boolean initializeParams,
                                                                     DataType networkDatatype) {
        return new MultiHeadAttentionVertex(graph, name, idx, heads, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) throws InvalidInputTypeException {
        if (in.length != 3) {
            throw new InvalidInputTypeException("attention takes queries, keys and values; got " + in.length
                    + " inputs");
        }
        long[] sizes = new long[3];
        for (int i = 0; i < 3; i++) {
            if (!(in[i] instanceof InputType.InputTypeRecurrent r)
                    || r.getFormat() != org.deeplearning4j.nn.conf.RNNFormat.NCW) {
                throw new InvalidInputTypeException("attention input " + i + " must be tokens [batch, features,"
                        + " tokens] (NCW); got " + in[i]);
            }
            sizes[i] = r.getSize();
        }
        if (sizes[0] != sizes[1] || sizes[1] != sizes[2] || sizes[0] % heads != 0) {
            throw new InvalidInputTypeException("queries, keys and values must have the same features, a multiple"
                    + " of the " + heads + " heads; got " + java.util.Arrays.toString(sizes));
        }
        return in[2];
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, MultiHeadAttention.class, inputTypes[0], out)
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }
}
