package org.flipstorm.inject;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Makes the {@link InjectableNetwork} of a DL4J model. */
public final class InjectableNetworks {
    private InjectableNetworks() {}

    /** Wraps a {@link MultiLayerNetwork} or a {@link ComputationGraph}. */
    public static InjectableNetwork of(Model model) {
        if (model instanceof MultiLayerNetwork mln) {
            return new LayerStack(mln);
        }
        if (model instanceof ComputationGraph graph) {
            return new GraphStack(graph);
        }
        throw new IllegalArgumentException("cannot inject into a " + model.getClass().getName()
                + "; expected a MultiLayerNetwork or ComputationGraph");
    }
}
