package org.flipstorm.inject;

import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Running single vertices of a {@code ComputationGraph}, shared by the graph stack and the cone. */
final class Vertices {
    private Vertices() {}

    /**
     * Runs one vertex on {@code inputs} the way {@code ComputationGraph} does: a layer vertex must
     * apply its pre-processor and hand the input to its layer before the forward pass.
     */
    static INDArray forward(GraphVertex vertex, INDArray[] inputs, LayerWorkspaceMgr mgr) {
        // A copy: clear() empties the array the vertex was given, and the caller still reads it.
        vertex.setInputs(inputs.clone());
        if (vertex instanceof LayerVertex layerVertex) {
            layerVertex.applyPreprocessorAndSetInput(mgr);
        }
        INDArray out = vertex.doForward(false, mgr);
        vertex.clear();
        return out;
    }
}
