package org.flipstorm.inject;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.nets.CleanPass;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cone of influence of a one-value fault in a convolutional graph: a flip at (c, h, w) of a
 * feature map changes only a window of the maps downstream (3x3 after the next 3x3 convolution,
 * growing with every convolution until a layer mixes the whole map). While that holds, only the
 * window is recomputed, for every channel, batched across faults; everything outside it is the
 * golden pass's value.
 *
 * <p>Windowed vertices: plain 2-D convolutions in NCHW with explicit padding (run as one native
 * VALID convolution over the window and its halo), per-element layers (batch norm, activation,
 * dropout at inference) and element-wise vertices (a ResNet add: the union of its inputs' windows).
 * At the first other vertex (global pooling, dense, a head), or once a convolution's window would cover
 * {@link #FULL_AREA} of its map, the windows are pasted into their golden maps and the rest runs in full.
 *
 * <p>After every windowed activation layer (where a ReLU can zero part or all of a perturbation) the
 * window is compared with the golden values: it shrinks to the box of values that still differ, and
 * a fault whose every pending window equals the golden pass is dropped; its output is the golden
 * output. This is early masking through adds and every other windowed vertex kind. Results are those of a full forward pass up
 * to the rounding of the kernels (a window is computed by other blocking than a full map), which
 * is why the engine runs it only under golden reuse, whose near-tie re-run covers exactly that.
 *
 * <p>An activation layer whose input nothing else reads any more works in place (DL4J's layer
 * copies its input first): the same values, one copy less.
 *
 * <p>A run's windows are {@link ConeWindow}s; the clean maps they are cut from and pasted into are
 * read through {@link GoldenMaps}. One instance per {@link GraphStack}, not thread-safe.
 */
final class Cone {
    private enum Kind { CONVOLUTION, PER_ELEMENT, ELEMENT_WISE, OTHER }

    /**
     * A convolution whose window would cover at least this share of its output map runs on the
     * full map instead: a window that large saves little and costs its crops. A quarter was best
     * with random weights; with the trained ResNet-20 half measured as fast or faster on a small and
     * a million-trial campaign (docs/PERFORMANCE.md, 2026-12-02 afternoon).
     */
    static final double FULL_AREA = 0.5;

    private final GraphVertex[] vertices;
    private final int[] topo;
    private final int[] topoPosition;
    private final int outputVertex;
    private final Kind[] kinds;
    /** Vertices after which a perturbation can vanish (activations: a ReLU zeroes it). */
    private final boolean[] masks;
    /** For each convolution vertex, its kernel run without padding (the window brings its halo). */
    private final Conv2DConfig[] valid;
    /** Per vertex, {@link #macsPerOutput}: looked up once, not at every run of the vertex. */
    private final double[] macs;
    private final GoldenMaps maps;
    /**
     * The arrays of the run in progress: a full map is closed once no vertex reads it, the rest
     * (windows are small) when the run returns.
     */
    private final Scratch scratch = new Scratch();
    private long maskedEarly;
    private long windowedVertexRuns;
    private long fullVertexRuns;
    private double windowedMacs;
    private double fullMacs;
    private long windowedNanos;
    private long fullNanos;

    Cone(GraphVertex[] vertices, int[] topo, int[] topoPosition, int[] siteOfVertex, int inputVertex,
         int outputVertex) {
        this.vertices = vertices;
        this.topo = topo;
        this.topoPosition = topoPosition;
        this.outputVertex = outputVertex;
        this.kinds = new Kind[vertices.length];
        this.masks = new boolean[vertices.length];
        this.valid = new Conv2DConfig[vertices.length];
        this.macs = new double[vertices.length];
        this.maps = new GoldenMaps(siteOfVertex, inputVertex);
        for (int v = 0; v < vertices.length; v++) {
            kinds[v] = kindOf(vertices[v]);
            if (kinds[v] == Kind.CONVOLUTION) {
                ConvolutionLayer c = (ConvolutionLayer) ((LayerVertex) vertices[v]).getLayer().conf().getLayer();
                int[] k = c.getKernelSize();
                int[] st = c.getStride();
                int[] d = c.getDilation();
                valid[v] = Conv2DConfig.builder().kH(k[0]).kW(k[1]).sH(st[0]).sW(st[1]).pH(0).pW(0)
                        .dH(d[0]).dW(d[1]).paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW)
                        .weightsFormat(WeightsFormat.OIYX).build();
            }
            masks[v] = vertices[v] instanceof LayerVertex lv && lv.getLayer().conf().getLayer() instanceof ActivationLayer;
            macs[v] = macsPerOutput(vertices[v]);
        }
    }

    /**
     * Activation vertex {@code v} on {@code x}, in place when {@code owned} (nothing else reads x
     * any more); otherwise as DL4J runs it, on a copy.
     */
    private INDArray activate(int v, INDArray x, boolean owned, LayerWorkspaceMgr mgr) {
        if (owned && masks[v] && x.dataType() == DataType.FLOAT) {
            return ((ActivationLayer) ((LayerVertex) vertices[v]).getLayer().conf().getLayer()).getActivationFn()
                    .getActivation(x, false);
        }
        return CleanPass.vertex(vertices[v], new INDArray[] {x}, mgr);
    }

    private static Kind kindOf(GraphVertex vertex) {
        if (vertex instanceof org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex) {
            return Kind.ELEMENT_WISE;
        }
        if (!(vertex instanceof LayerVertex lv) || lv.getLayerPreProcessor() != null) {
            return Kind.OTHER;
        }
        org.deeplearning4j.nn.conf.layers.Layer conf = lv.getLayer().conf().getLayer();
        if (conf.getClass() == ConvolutionLayer.class) {
            ConvolutionLayer c = (ConvolutionLayer) conf;
            boolean explicitPadding = c.getConvolutionMode() == ConvolutionMode.Truncate
                    || c.getConvolutionMode() == ConvolutionMode.Strict;
            return explicitPadding && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && c.getKernelSize().length == 2
                    ? Kind.CONVOLUTION : Kind.OTHER;
        }
        if (conf instanceof BatchNormalization bn) {
            return bn.getCnn2DFormat() == CNN2DFormat.NCHW ? Kind.PER_ELEMENT : Kind.OTHER;
        }
        if (conf instanceof ActivationLayer || conf instanceof DropoutLayer) {
            return Kind.PER_ELEMENT;
        }
        return Kind.OTHER;
    }

    /**
     * True when a fault at the output of {@code startVertex} (a rank-4 map) reaches a windowed
     * vertex first, so a window saves work.
     */
    boolean applies(int startVertex, boolean[] affected, INDArray siteOutput) {
        if (siteOutput.rank() != 4 || siteOutput.dataType() != DataType.FLOAT || startVertex == outputVertex) {
            return false;
        }
        for (int p = topoPosition[startVertex] + 1; p < topo.length; p++) {
            if (affected[topo[p]]) {
                return kinds[topo[p]] != Kind.OTHER;
            }
        }
        return false;
    }

    /** Faulty rows dropped because every window they had left equalled the golden pass. */
    long maskedEarly() {
        return maskedEarly;
    }

    /** Bytes of intermediate arrays closed when no vertex read them any more, so far. */
    long releasedBytes() {
        return scratch.closedBytes();
    }

    /** Vertex runs on windows and on full maps so far (one run of a batch counts once). */
    long[] vertexRuns() {
        return new long[] {windowedVertexRuns, fullVertexRuns};
    }

    /**
     * The work done so far: multiply-adds of convolution and dense layers run on windows and on
     * full maps (batch norm, activations and adds are left out), and the wall time of each phase.
     */
    record Work(double windowedMacs, double fullMacs, long windowedNanos, long fullNanos) {}

    Work work() {
        return new Work(windowedMacs, fullMacs, windowedNanos, fullNanos);
    }

    /**
     * Multiply-adds of a convolution or dense layer per output value of one channel: its weights
     * per output channel; zero for other vertices.
     */
    static double macsPerOutput(GraphVertex vertex) {
        if (!(vertex instanceof LayerVertex lv) || !lv.getLayer().paramTable().containsKey("W")) {
            return 0;
        }
        INDArray w = lv.getLayer().getParam("W");
        return w.rank() == 4 ? w.length() / (double) w.size(0) : w.size(0);
    }

    /**
     * The network output, one row per fault, for faults that each set flat value {@code neuronOf[r]}
     * of image {@code rowImages[r]}'s output at {@code startVertex} to {@code values[r]}.
     */
    INDArray run(int startVertex, boolean[] affected, GoldenPass golden, int[] rowImages, long[] neuronOf,
                 float[] values, INDArray goldenOutput) {
        return scratch.closingAfter(null,
                () -> runWindows(startVertex, affected, golden, rowImages, neuronOf, values, goldenOutput));
    }

    private INDArray runWindows(int startVertex, boolean[] affected, GoldenPass golden, int[] rowImages,
                                long[] neuronOf, float[] values, INDArray goldenOutput) {
        maps.use(golden);
        int rows = rowImages.length;
        INDArray siteMap = maps.map(startVertex);
        int channels = (int) siteMap.size(1);
        int height = (int) siteMap.size(2);
        int width = (int) siteMap.size(3);
        FloatBuffer siteGold = maps.view(siteMap);
        ConeWindow first = new ConeWindow(channels, height, width);
        first.height = 1;
        first.width = 1;
        first.top = new int[rows];
        first.left = new int[rows];
        float[] firstValues = new float[rows * channels];
        first.differs = new boolean[rows];
        int plane = height * width;
        for (int r = 0; r < rows; r++) {
            int c = (int) (neuronOf[r] / plane);
            int y = (int) (neuronOf[r] % plane) / width;
            int x = (int) (neuronOf[r] % width);
            first.top[r] = y;
            first.left[r] = x;
            for (int k = 0; k < channels; k++) {
                firstValues[r * channels + k] = siteGold.get(((rowImages[r] * channels + k) * height + y) * width + x);
            }
            firstValues[r * channels + c] = values[r];
            first.differs[r] = Float.floatToRawIntBits(values[r])
                    != Float.floatToRawIntBits(siteGold.get((int) (rowImages[r] * (long) channels * plane + neuronOf[r])));
        }

        first.set(scratch.add(GoldenMaps.array(firstValues, rows, channels, 1, 1)), scratch);
        ConeWindow[] windows = new ConeWindow[vertices.length];
        INDArray[] full = new INDArray[vertices.length];
        int[] pending = new int[vertices.length];
        for (int v = 0; v < vertices.length; v++) {
            if (v == startVertex || affected[v]) {
                pending[v] = affectedConsumers(v, affected);
            }
        }
        windows[startVertex] = first;
        Batch batch = new Batch(rowImages);
        if (batch.prune(windows)) {
            maskedEarly += rows;
            return Rows.gather(goldenOutput, rowImages);
        }
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        List<INDArray> dead = new ArrayList<>();
        boolean windowed = true;
        for (int p = topoPosition[startVertex] + 1; p < topo.length; p++) {
            int v = topo[p];
            if (!affected[v]) {
                continue;
            }
            VertexIndices[] ins = vertices[v].getInputVertices();
            long started = System.nanoTime();
            ConeWindow out = windowed ? windowed(v, ins, windows, pending, batch.images) : null;
            if (out != null) {
                windowedVertexRuns++;
                windows[v] = out;
                windowedNanos += System.nanoTime() - started;
            } else {
                windowed = false;
                INDArray[] inputs = new INDArray[ins.length];
                for (int i = 0; i < ins.length; i++) {
                    int u = ins[i].getVertexIndex();
                    if (full[u] == null && windows[u] != null) {
                        full[u] = maps.paste(windows[u], u, batch.images, scratch);
                        dead.add(windows[u].values());
                        windows[u] = null;
                    }
                    inputs[i] = full[u] != null ? full[u] : scratch.add(Rows.gather(maps.map(u), batch.images));
                    if (full[u] == null) {
                        dead.add(inputs[i]);
                    }
                }
                int u0 = ins[0].getVertexIndex();
                full[v] = scratch.add(masks[v] ? activate(v, inputs[0], full[u0] != null && pending[u0] == 1, mgr)
                        : CleanPass.vertex(vertices[v], inputs, mgr));
                fullVertexRuns++;
                fullMacs += macs[v] * full[v].length();
                fullNanos += System.nanoTime() - started;
            }
            for (VertexIndices in : ins) {
                int u = in.getVertexIndex();
                if (--pending[u] == 0) {
                    if (windows[u] != null) {
                        dead.add(windows[u].values());
                    }
                    dead.add(full[u]);
                    windows[u] = null;
                    full[u] = null;
                }
            }
            if (!windowed) {
                // Full maps are 100-1000x a window: give back the ones no vertex reads any more now,
                // not at the end of the run (an in-place activation shares its input's memory, so
                // what a live array still uses is kept).
                scratch.releaseNow(dead, live(windows, full));
            }
            int before = batch.images.length;
            if (windowed && batch.prune(windows)) {
                maskedEarly += before;
                return Rows.gather(goldenOutput, rowImages);
            }
            maskedEarly += before - batch.images.length;
        }
        INDArray result = full[outputVertex];
        if (result == null) {
            throw new IllegalStateException("the output vertex ran on a window");
        }
        int[] orig = batch.orig;
        if (orig.length == rows) {
            return result;
        }
        int[] source = new int[rows];
        for (int r = 0; r < rows; r++) {
            source[r] = (int) result.size(0) + rowImages[r];
        }
        for (int j = 0; j < orig.length; j++) {
            source[orig[j]] = j;
        }
        // The cast is goldenOutput itself when the types agree: only the concatenation is this run's.
        return Rows.gather(scratch.add(Nd4j.concat(0, result, goldenOutput.castTo(result.dataType()))), source);
    }

    /** The batch rows still running: their images and their positions in the caller's batch. */
    private final class Batch {
        int[] images;
        int[] orig;

        Batch(int[] rowImages) {
            images = rowImages.clone();
            orig = new int[rowImages.length];
            for (int r = 0; r < orig.length; r++) {
                orig[r] = r;
            }
        }

        /**
         * Drops the rows that no pending window disturbs any more (from here on they are the golden
         * pass); true when no row is left.
         */
        boolean prune(ConeWindow[] windows) {
            boolean[] live = new boolean[images.length];
            for (ConeWindow w : windows) {
                if (w != null) {
                    for (int r = 0; r < live.length; r++) {
                        live[r] |= w.differs[r];
                    }
                }
            }
            int n = 0;
            for (boolean b : live) {
                n += b ? 1 : 0;
            }
            if (n == live.length) {
                return false;
            }
            if (n == 0) {
                return true;
            }
            int[] keep = new int[n];
            for (int r = 0, j = 0; r < live.length; r++) {
                if (live[r]) {
                    keep[j++] = r;
                }
            }
            for (ConeWindow w : windows) {
                if (w != null) {
                    select(w, keep);
                }
            }
            int[] nextImages = new int[n];
            int[] nextOrig = new int[n];
            for (int j = 0; j < n; j++) {
                nextImages[j] = images[keep[j]];
                nextOrig[j] = orig[keep[j]];
            }
            images = nextImages;
            orig = nextOrig;
            return false;
        }
    }

    private void select(ConeWindow w, int[] keep) {
        int[] top = new int[keep.length];
        int[] left = new int[keep.length];
        boolean[] differs = new boolean[keep.length];
        for (int j = 0; j < keep.length; j++) {
            top[j] = w.top[keep[j]];
            left[j] = w.left[keep[j]];
            differs[j] = w.differs[keep[j]];
        }
        w.set(scratch.add(Rows.gather(w.values(), keep)), scratch);
        w.top = top;
        w.left = left;
        w.differs = differs;
    }

    /**
     * Runs vertex {@code v} on windows, or returns null when it must run on full maps: a vertex of
     * another kind, an input already full, or a window that would cover the whole map.
     */
    private ConeWindow windowed(int v, VertexIndices[] ins, ConeWindow[] windows, int[] pending, int[] images) {
        Kind kind = kinds[v];
        if (kind == Kind.OTHER) {
            return null;
        }
        INDArray outMap = maps.map(v);
        if (outMap.rank() != 4 || outMap.dataType() != DataType.FLOAT) {
            return null;
        }
        int rows = images.length;
        int outH = (int) outMap.size(2);
        int outW = (int) outMap.size(3);
        ConeWindow out = new ConeWindow((int) outMap.size(1), outH, outW);
        INDArray result;
        if (kind == Kind.CONVOLUTION) {
            ConeWindow in = windows[ins[0].getVertexIndex()];
            if (in == null) {
                return null;
            }
            LayerVertex lv = (LayerVertex) vertices[v];
            ConvolutionLayer conf = (ConvolutionLayer) lv.getLayer().conf().getLayer();
            int[] k = conf.getKernelSize();
            int[] s = conf.getStride();
            int[] pad = conf.getPadding();
            int[] d = conf.getDilation();
            int kh = (k[0] - 1) * d[0] + 1;
            int kw = (k[1] - 1) * d[1] + 1;
            int[][] ys = reach(in.top, in.height, kh, s[0], pad[0], outH);
            int[][] xs = reach(in.left, in.width, kw, s[1], pad[1], outW);
            out.height = ys[1][0];
            out.width = xs[1][0];
            if (out.height * (double) out.width >= FULL_AREA * outH * outW) {
                return null;
            }
            out.top = ys[0];
            out.left = xs[0];
            int cropH = (out.height - 1) * s[0] + kh;
            int cropW = (out.width - 1) * s[1] + kw;
            int[] cropTop = new int[rows];
            int[] cropLeft = new int[rows];
            for (int r = 0; r < rows; r++) {
                cropTop[r] = out.top[r] * s[0] - pad[0];
                cropLeft[r] = out.left[r] * s[1] - pad[1];
            }
            int u = ins[0].getVertexIndex();
            float[] crop = maps.crop(u, images, in, cropTop, cropLeft, cropH, cropW);
            INDArray input = scratch.add(GoldenMaps.array(crop, rows, in.channels, cropH, cropW));
            result = scratch.add(Nd4j.createUninitialized(DataType.FLOAT, rows, out.channels, out.height, out.width));
            Conv2DConfig cfg = valid[v];
            INDArray weights = lv.getLayer().getParam("W").castTo(DataType.FLOAT);
            Conv2D op = conf.hasBias()
                    ? new Conv2D(new INDArray[] {input, weights, lv.getLayer().getParam("b").castTo(DataType.FLOAT)
                            .reshape(-1)}, new INDArray[] {result}, cfg)
                    : new Conv2D(new INDArray[] {input, weights}, new INDArray[] {result}, cfg);
            Nd4j.exec(op);
            windowedMacs += macs[v] * result.length();
            result = scratch.add(conf.getActivationFn().getActivation(result, false));
        } else if (kind == Kind.PER_ELEMENT) {
            ConeWindow in = windows[ins[0].getVertexIndex()];
            if (in == null) {
                return null;
            }
            out.height = in.height;
            out.width = in.width;
            out.top = in.top;
            out.left = in.left;
            result = scratch.add(activate(v, in.values(), pending[ins[0].getVertexIndex()] == 1,
                    LayerWorkspaceMgr.noWorkspaces()));
        } else {
            // Per row, the box around every input window: [top, bottom) x [left, right).
            int[] top = new int[rows];
            int[] bottom = new int[rows];
            int[] left = new int[rows];
            int[] right = new int[rows];
            java.util.Arrays.fill(top, Integer.MAX_VALUE);
            java.util.Arrays.fill(left, Integer.MAX_VALUE);
            java.util.Arrays.fill(bottom, Integer.MIN_VALUE);
            java.util.Arrays.fill(right, Integer.MIN_VALUE);
            for (VertexIndices in : ins) {
                int u = in.getVertexIndex();
                INDArray uMap = maps.map(u);
                if (!java.util.Arrays.equals(uMap.shape(), outMap.shape())) {
                    return null;
                }
                ConeWindow w = windows[u];
                if (w == null) {
                    // An input off the fault's path (in the windowed phase every input on it has a window).
                    continue;
                }
                for (int r = 0; r < rows; r++) {
                    top[r] = Math.min(top[r], w.top[r]);
                    bottom[r] = Math.max(bottom[r], w.top[r] + w.height);
                    left[r] = Math.min(left[r], w.left[r]);
                    right[r] = Math.max(right[r], w.left[r] + w.width);
                }
            }
            int h = 0;
            int wd = 0;
            for (int r = 0; r < rows; r++) {
                h = Math.max(h, bottom[r] - top[r]);
                wd = Math.max(wd, right[r] - left[r]);
            }
            out.height = h;
            out.width = wd;
            out.top = new int[rows];
            out.left = new int[rows];
            for (int r = 0; r < rows; r++) {
                out.top[r] = Math.min(top[r], outH - h);
                out.left[r] = Math.min(left[r], outW - wd);
            }
            INDArray[] inputs = new INDArray[ins.length];
            for (int i = 0; i < ins.length; i++) {
                int u = ins[i].getVertexIndex();
                ConeWindow w = windows[u];
                if (w != null && w.height == h && w.width == wd && java.util.Arrays.equals(w.top, out.top)
                        && java.util.Arrays.equals(w.left, out.left)) {
                    // The input's window is the union already (a residual branch that grew from the shortcut's).
                    inputs[i] = w.values();
                } else {
                    inputs[i] = scratch.add(GoldenMaps.array(maps.crop(u, images, w, out.top, out.left, h, wd), rows, out.channels, h, wd));
                }
            }
            result = scratch.add(CleanPass.vertex(vertices[v], inputs, LayerWorkspaceMgr.noWorkspaces()));
        }
        out.set(result, scratch);
        if (masks[v]) {
            shrink(out, v, images);
        } else {
            // Convolutions and batch norm keep a perturbation alive: the rows that differed still do.
            out.differs = differsOf(ins, windows, out.top.length);
        }
        return out;
    }

    /** The arrays the run still reads: every pending window's values and full map. */
    private static List<INDArray> live(ConeWindow[] windows, INDArray[] full) {
        List<INDArray> live = new ArrayList<>();
        for (int v = 0; v < full.length; v++) {
            if (windows[v] != null) {
                live.add(windows[v].values());
            }
            if (full[v] != null) {
                live.add(full[v]);
            }
        }
        return live;
    }

    /** Per row: does a window among the inputs of a vertex differ from the golden pass? */
    private static boolean[] differsOf(VertexIndices[] ins, ConeWindow[] windows, int rows) {
        boolean[] d = new boolean[rows];
        for (VertexIndices in : ins) {
            ConeWindow w = windows[in.getVertexIndex()];
            if (w != null) {
                for (int r = 0; r < rows; r++) {
                    d[r] |= w.differs[r];
                }
            }
        }
        return d;
    }

    /**
     * For a window [top, top + size) of each row along one axis, the output range a kernel of
     * (dilated) extent {@code k}, stride {@code s} and padding {@code pad} changes: element 0 the
     * tops, element 1 the common size (one value).
     */
    private static int[][] reach(int[] top, int size, int k, int s, int pad, int outSize) {
        int rows = top.length;
        int[] lo = new int[rows];
        int[] hi = new int[rows];
        int common = 0;
        for (int r = 0; r < rows; r++) {
            // Output o reads inputs [o*s - pad, o*s - pad + k).
            lo[r] = Math.max(0, -Math.floorDiv(-(top[r] + pad - k + 1), s));
            hi[r] = Math.min(outSize - 1, Math.floorDiv(top[r] + size - 1 + pad, s));
            common = Math.max(common, hi[r] - lo[r] + 1);
        }
        common = Math.min(Math.max(common, 1), outSize);
        for (int r = 0; r < rows; r++) {
            lo[r] = Math.max(0, Math.min(lo[r], outSize - common));
        }
        return new int[][] {lo, {common}};
    }

    /**
     * Compares a freshly computed window with the golden values: marks the rows that still differ
     * and shrinks the window to the box of differing values over all rows.
     */
    private void shrink(ConeWindow w, int v, int[] images) {
        FloatBuffer gold = maps.view(maps.map(v));
        int rows = images.length;
        w.differs = new boolean[rows];
        int[] boxTop = new int[rows];
        int[] boxLeft = new int[rows];
        int[] boxH = new int[rows];
        int[] boxW = new int[rows];
        int newH = 0;
        int newW = 0;
        float[] mine = new float[w.width];
        float[] theirs = new float[w.width];
        FloatBuffer values = w.floats();
        for (int r = 0; r < rows; r++) {
            int y0 = Integer.MAX_VALUE;
            int y1 = -1;
            int x0 = Integer.MAX_VALUE;
            int x1 = -1;
            for (int c = 0; c < w.channels; c++) {
                int base = ((images[r] * w.channels + c) * w.mapHeight + w.top[r]) * w.mapWidth + w.left[r];
                int at = (r * w.channels + c) * w.height * w.width;
                for (int y = 0; y < w.height; y++) {
                    values.get(at + y * w.width, mine, 0, w.width);
                    gold.get(base + y * w.mapWidth, theirs, 0, w.width);
                    for (int x = 0; x < w.width; x++) {
                        if (Float.floatToRawIntBits(mine[x]) != Float.floatToRawIntBits(theirs[x])) {
                            y0 = Math.min(y0, y);
                            y1 = Math.max(y1, y);
                            x0 = Math.min(x0, x);
                            x1 = Math.max(x1, x);
                        }
                    }
                }
            }
            if (y1 >= 0) {
                w.differs[r] = true;
                boxTop[r] = w.top[r] + y0;
                boxLeft[r] = w.left[r] + x0;
                boxH[r] = y1 - y0 + 1;
                boxW[r] = x1 - x0 + 1;
                newH = Math.max(newH, boxH[r]);
                newW = Math.max(newW, boxW[r]);
            } else {
                boxTop[r] = w.top[r];
                boxLeft[r] = w.left[r];
            }
        }
        if (newH == 0 || (newH == w.height && newW == w.width)) {
            return;
        }
        int[] top = new int[rows];
        int[] left = new int[rows];
        for (int r = 0; r < rows; r++) {
            top[r] = Math.max(0, Math.min(boxTop[r], w.mapHeight - newH));
            left[r] = Math.max(0, Math.min(boxLeft[r], w.mapWidth - newW));
        }
        float[] data = maps.crop(v, images, w, top, left, newH, newW);
        w.set(scratch.add(GoldenMaps.array(data, rows, w.channels, newH, newW)), scratch);
        w.top = top;
        w.left = left;
        w.height = newH;
        w.width = newW;
    }

    private int affectedConsumers(int v, boolean[] affected) {
        VertexIndices[] outs = vertices[v].getOutputVertices();
        int n = 0;
        if (outs != null) {
            for (VertexIndices o : outs) {
                n += affected[o.getVertexIndex()] ? 1 : 0;
            }
        }
        return n;
    }
}
