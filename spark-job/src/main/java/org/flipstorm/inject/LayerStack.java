package org.flipstorm.inject;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.nets.CleanPass;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link MultiLayerNetwork} seen as a stack of layers that can be run from any point.
 *
 * <p>Not thread-safe: DL4J layers keep their last input. Use one instance per thread.
 */
public final class LayerStack implements InjectableNetwork {
    private final MultiLayerNetwork net;
    private final List<String> names;
    private long maskedEarly;
    /** The arrays of the tracked suffix run in progress, closed when it returns. */
    private final Scratch scratch = new Scratch();

    /** Wraps an initialised network. */
    public LayerStack(MultiLayerNetwork net) {
        this.net = net;
        List<String> n = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            String name = net.getLayer(i).conf().getLayer().getLayerName();
            n.add(name == null ? "layer" + i : name);
        }
        this.names = List.copyOf(n);
    }

    @Override
    public MultiLayerNetwork model() {
        return net;
    }

    @Override
    public int size() {
        return names.size();
    }

    /** Layer names in order ("layerN" for unnamed layers). */
    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public boolean isDefaultTarget(int index) {
        Layer layer = net.getLayer(index);
        return !(layer instanceof IOutputLayer && layer.numParams() == 0);
    }

    @Override
    public boolean hasParameters(int index) {
        return net.getLayer(index).numParams() > 0;
    }

    @Override
    public Layer layer(int site) {
        return net.getLayer(site);
    }

    @Override
    public INDArray output(INDArray input) {
        return net.output(input, false);
    }

    /** The clean pass: each layer's own output ({@link CleanPass}), not DL4J's in-place feedForward values. */
    @Override
    public GoldenPass golden(INDArray input) {
        return new GoldenPass(input, CleanPass.layers(net, input));
    }

    /** In a layer stack nothing after a layer reads golden values, so only the layers after {@code site} run. */
    @Override
    public INDArray suffix(int site, INDArray siteOutput, GoldenPass golden, int[] rowImages) {
        return runFrom(site + 1, siteOutput);
    }

    @Override
    public INDArray rerunFrom(int site, GoldenPass golden) {
        // A copy: the golden pass is shared, and a layer may work in place on its input.
        return runFrom(site, (site == 0 ? golden.input() : golden.activations()[site - 1]).dup());
    }

    @Override
    public INDArray suffix(int site, INDArray siteOutput, GoldenPass golden, int[] rowImages, int[] cleanOf,
                           long[] neuronOf) {
        // The site's batch is the caller's; everything else the run made is closed here.
        return scratch.closingAfter(siteOutput,
                () -> trackedSuffix(site, siteOutput, golden, rowImages, cleanOf, neuronOf));
    }

    private INDArray trackedSuffix(int site, INDArray siteOutput, GoldenPass golden, int[] rowImages, int[] cleanOf,
                                   long[] neuronOf) {
        RowTracker tracker = new RowTracker(cleanOf, neuronOf, rowImages);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray cur = siteOutput;
        for (int i = site + 1; i < size(); i++) {
            if (net.getLayerWiseConfigurations().getInputPreProcess(i) != null) {
                tracker.stop();
            }
            cur = scratch.add(CleanPass.layerInput(net, i, cur, mgr));
            INDArray in = cur;
            cur = scratch.add(net.getLayer(i).activate(cur, false, mgr));
            if (tracker.active() && i < size() - 1) {
                cur = scratch.add(tracker.step(RowTracker.indexMap(net.getLayer(i).conf().getLayer(), perImage(in), perImage(cur)),
                        cur, golden.activations()[i]));
                if (cur == null) {
                    break;
                }
            }
        }
        maskedEarly += tracker.dropped();
        return tracker.expand(cur, goldenOutput(golden));
    }

    @Override
    public long rowsMaskedEarly() {
        return maskedEarly;
    }

    static long[] perImage(INDArray a) {
        return java.util.Arrays.copyOfRange(a.shape(), 1, a.rank());
    }

    /**
     * Runs layers {@code first .. size()-1} on {@code input}, which must be shaped like the output
     * of layer {@code first - 1} (or like the network input when {@code first == 0}). Applies the
     * input pre-processors as the full forward pass does. With {@code first == size()} the input
     * is returned as it is.
     */
    public INDArray runFrom(int first, INDArray input) {
        if (first < 0 || first > size()) {
            throw new IllegalArgumentException("layer " + first + " outside 0.." + size());
        }
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray cur = input;
        for (int i = first; i < size(); i++) {
            cur = CleanPass.layer(net, i, cur, mgr);
        }
        return cur;
    }
}
