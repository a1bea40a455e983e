package org.flipstorm.bench;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.flipstorm.inject.GoldenPass;
import org.flipstorm.inject.GraphStack;
import org.flipstorm.inject.Rows;
import org.flipstorm.zoo.runtime.Dl4jRuntime;

/**
 * Floating-point work per trial, for the engine benchmark's fraction-of-peak figure: the
 * multiply-adds of the convolution and dense layers downstream of each target site (what one
 * suffix row costs), against a full forward pass. Batch norm, pooling and activations are left
 * out (they are a few percent).
 *
 * <pre>SuffixFlops</pre> prints one line per model.
 */
public final class SuffixFlops {
    private SuffixFlops() {}

    public static void main(String[] args) {
        Dl4jRuntime.configure();
        for (String model : new String[] {"lenet", "resnet20"}) {
            Injectors.Workload w = new Injectors.Workload(model, 1, 1, 1);
            GoldenPass g = w.network.golden(Rows.gather(w.images, new int[] {0}));
            double[] flops = new double[w.network.size()];
            double full = 0;
            for (int s = 0; s < flops.length; s++) {
                flops[s] = layerFlops(w.network.layer(s), g.neurons(s), g.activations()[s].rank());
                full += flops[s];
            }
            double sum = 0;
            for (int site : w.sites) {
                boolean[] down = downstream(w, site);
                for (int s = 0; s < flops.length; s++) {
                    if (down[s]) {
                        sum += flops[s];
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%s: full forward %.2f MFLOP/image; mean suffix over %d conv/dense sites"
                    + " %.2f MFLOP/trial (%.0f%% of a full pass)%n", model, full / 1e6, w.sites.length,
                    sum / w.sites.length / 1e6, 100 * sum / w.sites.length / full);
        }
    }

    /** 2 x multiply-adds of one image through a convolution or dense layer; 0 for other layers. */
    static double layerFlops(Layer layer, long outNeurons, int rank) {
        if (layer == null || !layer.paramTable().containsKey("W")) {
            return 0;
        }
        long weights = layer.getParam("W").length();
        if (rank == 4) {
            long outChannels = layer.getParam("W").size(0);
            return 2.0 * weights * (outNeurons / outChannels);
        }
        return 2.0 * weights;
    }

    /** Sites downstream of {@code site} (not the site itself). */
    static boolean[] downstream(Injectors.Workload w, int site) {
        boolean[] down = new boolean[w.network.size()];
        if (!(w.network.model() instanceof ComputationGraph g)) {
            for (int s = site + 1; s < down.length; s++) {
                down[s] = true;
            }
            return down;
        }
        GraphVertex[] vs = g.getVertices();
        Deque<GraphVertex> todo = new ArrayDeque<>();
        todo.add(g.getVertex(w.network.names().get(site)));
        while (!todo.isEmpty()) {
            VertexIndices[] outs = todo.poll().getOutputVertices();
            if (outs == null) {
                continue;
            }
            for (VertexIndices o : outs) {
                int s = w.network.indexOf(vs[o.getVertexIndex()].getVertexName());
                if (!down[s]) {
                    down[s] = true;
                    todo.add(vs[o.getVertexIndex()]);
                }
            }
        }
        return down;
    }
}
