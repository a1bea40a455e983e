package org.flipstorm.inject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.nets.CleanPass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link ComputationGraph} seen as fault sites: every vertex except the inputs, in topological
 * order. A fault re-runs only the vertices downstream of its site; every other input of those
 * vertices (a ResNet shortcut, say) is read from the golden pass, gathered per batch row.
 */
public final class GraphStack implements InjectableNetwork {
    private final ComputationGraph graph;
    private final GraphVertex[] vertices;
    private final int[] siteVertex;
    private final int[] topoPosition;
    private final int[] siteOfVertex;
    private final List<String> names;
    private final int inputVertex;
    private final int outputVertex;
    private final boolean[][] downstream;
    private final Cone cone;
    /** The arrays of the suffix run in progress, closed when it returns. */
    private final Scratch scratch = new Scratch();
    private long maskedEarly;

    /** Wraps an initialised graph with one input and one output. */
    public GraphStack(ComputationGraph graph) {
        if (graph.getConfiguration().getNetworkInputs().size() != 1 || graph.getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("graph has " + graph.getConfiguration().getNetworkInputs().size()
                    + " inputs and " + graph.getNumOutputArrays() + " outputs; expected one of each");
        }
        this.graph = graph;
        this.vertices = graph.getVertices();
        int[] topo = graph.topologicalSortOrder();
        topoPosition = new int[vertices.length];
        siteOfVertex = new int[vertices.length];
        List<Integer> sites = new ArrayList<>();
        List<String> n = new ArrayList<>();
        int in = -1;
        for (int p = 0; p < topo.length; p++) {
            int v = topo[p];
            topoPosition[v] = p;
            siteOfVertex[v] = -1;
            if (vertices[v].isInputVertex()) {
                in = v;
            } else {
                siteOfVertex[v] = sites.size();
                sites.add(v);
                n.add(vertices[v].getVertexName());
            }
        }
        this.inputVertex = in;
        this.siteVertex = sites.stream().mapToInt(Integer::intValue).toArray();
        this.names = List.copyOf(n);
        this.outputVertex = graph.getVertex(graph.getConfiguration().getNetworkOutputs().get(0)).getVertexIndex();
        this.downstream = new boolean[siteVertex.length][];
        this.cone = new Cone(vertices, topo, topoPosition, siteOfVertex, inputVertex, outputVertex);
    }

    @Override
    public ComputationGraph model() {
        return graph;
    }

    @Override
    public int size() {
        return siteVertex.length;
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public boolean isDefaultTarget(int site) {
        GraphVertex v = vertices[siteVertex[site]];
        return !(v.hasLayer() && v.getLayer() instanceof IOutputLayer && v.getLayer().numParams() == 0);
    }

    @Override
    public boolean hasParameters(int site) {
        GraphVertex v = vertices[siteVertex[site]];
        return v.hasLayer() && v.getLayer().numParams() > 0;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer layer(int site) {
        GraphVertex v = vertices[siteVertex[site]];
        return v.hasLayer() ? v.getLayer() : null;
    }

    @Override
    public INDArray output(INDArray input) {
        return graph.outputSingle(false, input);
    }

    /** The clean pass: each vertex's own output ({@link CleanPass}), not DL4J's in-place feedForward values. */
    @Override
    public GoldenPass golden(INDArray input) {
        INDArray[] values = CleanPass.graph(graph, input);
        INDArray[] out = new INDArray[siteVertex.length];
        for (int s = 0; s < out.length; s++) {
            out[s] = values[siteVertex[s]];
        }
        return new GoldenPass(input, out);
    }

    @Override
    public INDArray goldenOutput(GoldenPass golden) {
        return golden.activations()[siteOfVertex[outputVertex]];
    }

    @Override
    public INDArray suffix(int site, INDArray siteOutput, GoldenPass golden, int[] rowImages) {
        return run(site, siteOutput, golden, rowImages, null);
    }

    @Override
    public INDArray rerunFrom(int site, GoldenPass golden) {
        GraphVertex vertex = vertices[siteVertex[site]];
        VertexIndices[] ins = vertex.getInputVertices();
        INDArray[] inputs = new INDArray[ins.length];
        for (int i = 0; i < ins.length; i++) {
            int u = ins[i].getVertexIndex();
            // Copies: the golden pass is shared, and a vertex may work in place on its input.
            inputs[i] = (u == inputVertex ? golden.input() : golden.activations()[siteOfVertex[u]]).dup();
        }
        INDArray out = CleanPass.vertex(vertex, inputs, LayerWorkspaceMgr.noWorkspaces());
        int[] all = new int[golden.images()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return run(site, out, golden, all, null);
    }

    @Override
    public INDArray suffix(int site, INDArray siteOutput, GoldenPass golden, int[] rowImages, int[] cleanOf,
                           long[] neuronOf) {
        return run(site, siteOutput, golden, rowImages, new RowTracker(cleanOf, neuronOf, rowImages));
    }

    private INDArray run(int site, INDArray siteOutput, GoldenPass golden, int[] rowImages, RowTracker tracker) {
        // The site's batch is the caller's; everything else the run made is closed here.
        return scratch.closingAfter(siteOutput, () -> runFull(site, siteOutput, golden, rowImages, tracker));
    }

    private INDArray runFull(int site, INDArray siteOutput, GoldenPass golden, int[] rowImages,
                             RowTracker tracker) {
        int start = siteVertex[site];
        if (start == outputVertex) {
            return siteOutput;
        }
        boolean[] affected = downstreamOf(site);
        INDArray[] current = new INDArray[vertices.length];
        current[start] = siteOutput;
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        int[] topo = graph.topologicalSortOrder();
        int chainTip = start;
        for (int p = topoPosition[start] + 1; p < topo.length; p++) {
            int v = topo[p];
            if (!affected[v]) {
                continue;
            }
            int[] rows = tracker == null ? rowImages : tracker.rowImages();
            VertexIndices[] ins = vertices[v].getInputVertices();
            INDArray[] inputs = new INDArray[ins.length];
            for (int i = 0; i < ins.length; i++) {
                int u = ins[i].getVertexIndex();
                inputs[i] = current[u] != null ? current[u] : scratch.add(goldenRows(u, golden, rows));
            }
            current[v] = scratch.add(CleanPass.vertex(vertices[v], inputs, mgr));
            if (tracker != null && tracker.active()) {
                // The perturbed value can be followed while it sits in one tensor with one consumer.
                if (consumers(chainTip) == 1 && v != outputVertex) {
                    current[v] = scratch.add(tracker.step(indexMap(v, inputs, chainTip, current[v]), current[v],
                            golden.activations()[siteOfVertex[v]]));
                    chainTip = v;
                    if (current[v] == null) {
                        maskedEarly += tracker.dropped();
                        return tracker.expand(null, goldenOutput(golden));
                    }
                } else {
                    tracker.stop();
                }
            }
        }
        if (tracker == null) {
            return current[outputVertex];
        }
        maskedEarly += tracker.dropped();
        return tracker.expand(current[outputVertex], goldenOutput(golden));
    }

    /** Bytes of suffix arrays closed as soon as their run no longer read them, so far. */
    long releasedBytes() {
        return scratch.closedBytes() + cone.releasedBytes();
    }

    @Override
    public long rowsMaskedEarly() {
        return maskedEarly + cone.maskedEarly();
    }

    @Override
    public boolean hasCone(int site, GoldenPass golden) {
        return cone.applies(siteVertex[site], downstreamOf(site), golden.activations()[site]);
    }

    @Override
    public INDArray suffixOfPoints(int site, GoldenPass golden, int[] rowImages, long[] neuronOf, float[] values) {
        if (!hasCone(site, golden)) {
            throw new IllegalArgumentException("site " + names.get(site) + " has no cone of influence to follow");
        }
        return cone.run(siteVertex[site], downstreamOf(site), golden, rowImages, neuronOf, values,
                goldenOutput(golden));
    }

    /** Vertex runs on windows and on full maps by {@link #suffixOfPoints} so far. */
    public long[] coneVertexRuns() {
        return cone.vertexRuns();
    }

    /**
     * The multiply-adds of convolution and dense layers {@link #suffixOfPoints} ran so far, on
     * windows and on full maps, and the seconds of each phase.
     */
    public ConeWork coneWork() {
        Cone.Work w = cone.work();
        return new ConeWork(w.windowedMacs(), w.fullMacs(), w.windowedNanos() / 1e9, w.fullNanos() / 1e9);
    }

    /** Multiply-adds of convolution and dense layers in one image's clean forward pass. */
    public double forwardMacsPerImage(GoldenPass golden) {
        double macs = 0;
        long images = golden.activations()[0].size(0);
        for (int s = 0; s < size(); s++) {
            macs += Cone.macsPerOutput(vertices[siteVertex[s]]) * (golden.activations()[s].length() / images);
        }
        return macs;
    }

    /** Work done by the cone: multiply-adds on windows and on full maps, and the seconds each took. */
    public record ConeWork(double windowedMacs, double fullMacs, double windowedSeconds, double fullSeconds) {}

    private int consumers(int v) {
        VertexIndices[] outs = vertices[v].getOutputVertices();
        return outs == null ? 0 : outs.length;
    }

    /** How vertex {@code v} moves the perturbed value of its input {@code from}. */
    private java.util.function.LongUnaryOperator indexMap(int v, INDArray[] inputs, int from, INDArray out) {
        GraphVertex vertex = vertices[v];
        if (vertex.hasLayer()) {
            return RowTracker.indexMap(vertex.getLayer().conf().getLayer(), LayerStack.perImage(inputs[0]),
                    LayerStack.perImage(out));
        }
        if (vertex instanceof org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex) {
            for (INDArray in : inputs) {
                if (!java.util.Arrays.equals(in.shape(), out.shape())) {
                    return i -> RowTracker.SPREADS;
                }
            }
            return i -> i;
        }
        return i -> RowTracker.SPREADS;
    }

    /** Golden output of vertex {@code u} for each batch row's image. */
    private INDArray goldenRows(int u, GoldenPass golden, int[] rowImages) {
        return Rows.gather(u == inputVertex ? golden.input() : golden.activations()[siteOfVertex[u]], rowImages);
    }

    /** Vertices whose value depends on the site's output (the site itself excluded). */
    private boolean[] downstreamOf(int site) {
        boolean[] d = downstream[site];
        if (d == null) {
            d = new boolean[vertices.length];
            Deque<Integer> todo = new ArrayDeque<>();
            todo.add(siteVertex[site]);
            while (!todo.isEmpty()) {
                VertexIndices[] outs = vertices[todo.poll()].getOutputVertices();
                if (outs == null) {
                    continue;
                }
                for (VertexIndices o : outs) {
                    if (!d[o.getVertexIndex()]) {
                        d[o.getVertexIndex()] = true;
                        todo.add(o.getVertexIndex());
                    }
                }
            }
            downstream[site] = d;
        }
        return d;
    }
}
