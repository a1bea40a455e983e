package org.flipstorm.inject;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Running single vertices of a {@code ComputationGraph}, shared by the graph stack and the cone. */
final class Vertices {
    private Vertices() {}

    /**
     * Runs one vertex on {@code inputs} the way {@code ComputationGraph} does: a layer vertex applies
     * its pre-processor and hands the result to its layer. The pre-processor is given the batch as
     * the first input's leading size, not DL4J's {@code ComputationGraph.batchSize()}: that reads the
     * graph's last network input, which the engine never sets and whose batch is not a suffix's.
     * Every site keeps its batch on dimension 0 (the engine gathers rows there), so this is exact.
     */
    static INDArray forward(GraphVertex vertex, INDArray[] inputs, LayerWorkspaceMgr mgr) {
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
        // A copy: clear() empties the array the vertex was given, and the caller still reads it.
        vertex.setInputs(inputs.clone());
        INDArray out = vertex.doForward(false, mgr);
        vertex.clear();
        return out;
    }
}
