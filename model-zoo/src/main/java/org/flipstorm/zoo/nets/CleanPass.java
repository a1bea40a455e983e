package org.flipstorm.zoo.nets;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.runtime.NativeMemory;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every layer's (or graph vertex's) own output in inference, each computed from copies of its
 * inputs. DL4J's {@code feedForward} does not give these: in inference an {@code ActivationLayer}
 * applies its function in place on its input, so the value it returns for a batch norm or an add
 * feeding a ReLU (or a dense layer feeding a GELU) is the post-activation one. The fault engine's
 * golden pass, the model card's activation profile and its layer shapes all read this.
 *
 * <p>The copies are closed as soon as their vertex has run (unless its output shares their
 * memory), so that the next vertex reuses their memory instead of faulting in fresh pages.
 */
public final class CleanPass {
    private CleanPass() {}

    /**
     * Runs one vertex on {@code inputs} the way {@code ComputationGraph} does: a layer vertex applies
     * its pre-processor and hands the result to its layer. The pre-processor is given the batch as
     * the first input's leading size, not DL4J's {@code ComputationGraph.batchSize()}: that reads the
     * graph's last network input, which a caller running a suffix of the graph never sets. Every
     * vertex keeps its batch on dimension 0, so this is exact. The vertex may work in place on
     * {@code inputs}: pass copies of anything the caller reads again.
     */
    public static INDArray vertex(GraphVertex vertex, INDArray[] inputs, LayerWorkspaceMgr mgr) {
        if (vertex instanceof LayerVertex layerVertex) {
            INDArray x = inputs[0];
            InputPreProcessor pre = layerVertex.getLayerPreProcessor();
            if (pre != null) {
                x = pre.preProcess(x, (int) x.size(0), mgr);
            }
            Layer layer = layerVertex.getLayer();
            layer.setInput(x, mgr);
            INDArray out = layer.activate(false, mgr);
            layer.clear();
            return out;
        }
        // A copy of the array: clear() empties the one the vertex was given.
        vertex.setInputs(inputs.clone());
        INDArray out = vertex.doForward(false, mgr);
        vertex.clear();
        return out;
    }

    /** Layer {@code i} of {@code net} on {@code x} (pre-processor included), in inference. May work in place on x. */
    public static INDArray layer(MultiLayerNetwork net, int i, INDArray x, LayerWorkspaceMgr mgr) {
        return net.getLayer(i).activate(layerInput(net, i, x, mgr), false, mgr);
    }

    /** What layer {@code i} of {@code net} is given for {@code x}: x through the layer's pre-processor, if any. */
    public static INDArray layerInput(MultiLayerNetwork net, int i, INDArray x, LayerWorkspaceMgr mgr) {
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
        return pre == null ? x : pre.preProcess(x, (int) x.size(0), mgr);
    }

    /**
     * The output of every vertex of {@code graph}, indexed as {@code graph.getVertices()}; the
     * input vertex holds {@code input} itself. The graph must have one input.
     */
    public static INDArray[] graph(ComputationGraph graph, INDArray input) {
        if (graph.getNumInputArrays() != 1) {
            throw new IllegalArgumentException("a clean pass needs a graph with one input; this one has "
                    + graph.getNumInputArrays());
        }
        GraphVertex[] vertices = graph.getVertices();
        INDArray[] values = new INDArray[vertices.length];
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (int v : graph.topologicalSortOrder()) {
            if (vertices[v].isInputVertex()) {
                values[v] = input;
                continue;
            }
            VertexIndices[] ins = vertices[v].getInputVertices();
            INDArray[] inputs = new INDArray[ins.length];
            for (int i = 0; i < ins.length; i++) {
                inputs[i] = values[ins[i].getVertexIndex()].dup();
            }
            values[v] = vertex(vertices[v], inputs, mgr);
            for (INDArray copy : inputs) {
                NativeMemory.closeUnlessShared(copy, values[v]);
            }
        }
        return values;
    }

    /** The output of every layer of {@code net}, in order (element i is layer i's). */
    public static INDArray[] layers(MultiLayerNetwork net, INDArray input) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray[] out = new INDArray[net.getnLayers()];
        INDArray cur = input;
        for (int i = 0; i < out.length; i++) {
            INDArray copy = cur.dup();
            cur = layer(net, i, copy, mgr);
            NativeMemory.closeUnlessShared(copy, cur);
            out[i] = cur;
        }
        return out;
    }

    /**
     * Every layer's (or non-input vertex's) output by name, in the order the network computes
     * them: layer order for a {@code MultiLayerNetwork}, topological order for a graph.
     */
    public static Map<String, INDArray> byName(Model net, INDArray input) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        if (net instanceof MultiLayerNetwork mln) {
            INDArray[] acts = layers(mln, input);
            for (int i = 0; i < acts.length; i++) {
                String name = mln.getLayer(i).conf().getLayer().getLayerName();
                if (out.put(name, acts[i]) != null) {
                    throw new IllegalArgumentException("two layers of the network are named '" + name
                            + "'; layer names must be unique to tell their outputs apart");
                }
            }
            return out;
        }
        if (!(net instanceof ComputationGraph g)) {
            throw new IllegalArgumentException("cannot run " + net.getClass().getName()
                    + "; expected a MultiLayerNetwork or a ComputationGraph");
        }
        INDArray[] values = graph(g, input);
        for (int v : g.topologicalSortOrder()) {
            GraphVertex vertex = g.getVertices()[v];
            if (!vertex.isInputVertex()) {
                out.put(vertex.getVertexName(), values[v]);
            }
        }
        return out;
    }
}
