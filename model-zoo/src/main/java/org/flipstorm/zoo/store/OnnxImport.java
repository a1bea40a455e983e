package org.flipstorm.zoo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Reads an ONNX model (as PyTorch's {@code torch.onnx.export} writes it) into a DL4J
 * {@link ComputationGraph} with the same weights, for the operators of torchvision-style CNNs:
 * Conv (plain and depthwise), BatchNormalization, Relu, Clip as ReLU6, Add, MaxPool, AveragePool,
 * GlobalAveragePool, GlobalMaxPool, Flatten and Reshape to (N, -1), Gemm, MatMul (+ Add of a bias),
 * Concat on channels, Dropout, Identity, a Pad of zeros, and a final Softmax. Anything else is refused with an
 * {@link IllegalArgumentException} naming the operator and the node.
 *
 * <p>Each ONNX node that computes becomes one DL4J vertex named after the node (its path, with
 * {@code /} as {@code .}), so fault sites keep the exporter's names; nodes that only rename a tensor
 * (Flatten, Reshape, Dropout, Identity) become nothing. The graph ends, as every zoo model, in a
 * parameter-free {@code softmax} loss layer over the logits, so campaigns inject the logits as the
 * study does.
 */
public final class OnnxImport {
    /** What an import gives: the graph, and which vertex computes each ONNX tensor. */
    public record Result(ComputationGraph graph, Map<String, String> vertexOfTensor, int[] inputShape) {}

    private final Onnx.GraphProto graph;
    private final Map<String, INDArray> constants = new HashMap<>();
    /** ONNX tensor name -> DL4J vertex that computes it. */
    private final Map<String, String> vertexOf = new LinkedHashMap<>();
    /** ONNX tensor name -> its shape per image (C, H, W) or (F). */
    private final Map<String, long[]> shapeOf = new HashMap<>();
    private final Map<String, Map<String, INDArray>> params = new LinkedHashMap<>();
    private final ComputationGraphConfiguration.GraphBuilder g;
    private final java.util.Set<String> usedNames = new java.util.HashSet<>();

    private OnnxImport(Onnx.GraphProto graph) {
        this.graph = graph;
        this.g = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder();
    }

    /** Imports the ONNX file at {@code file}. */
    public static Result read(Path file) throws IOException {
        Onnx.ModelProto model;
        try {
            model = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(file + " is not an ONNX model: " + e.getMessage(), e);
        }
        if (model.getGraph().getNodeCount() == 0) {
            throw new IllegalArgumentException(file + " holds no ONNX graph (no nodes)");
        }
        return new OnnxImport(model.getGraph()).build();
    }

    private Result build() {
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), tensor(t, "initializer " + t.getName()));
        }
        List<Onnx.ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(v -> !constants.containsKey(v.getName())).toList();
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("expected one image input, found " + inputs.size() + ": "
                    + inputs.stream().map(Onnx.ValueInfoProto::getName).toList());
        }
        Onnx.ValueInfoProto input = inputs.get(0);
        long[] dims = input.getType().getTensorType().getShape().getDimList().stream()
                .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1).toArray();
        if (dims.length != 4 || dims[1] <= 0 || dims[2] <= 0 || dims[3] <= 0) {
            throw new IllegalArgumentException("input " + input.getName() + " has shape " + java.util.Arrays.toString(dims)
                    + "; expected (N, C, H, W) with C, H and W fixed");
        }
        String in = "input";
        g.addInputs(in).setInputTypes(InputType.convolutional(dims[2], dims[3], dims[1]));
        vertexOf.put(input.getName(), in);
        shapeOf.put(input.getName(), new long[] {dims[1], dims[2], dims[3]});
        usedNames.add(in);

        List<Onnx.NodeProto> nodes = graph.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            node(nodes.get(i), i);
        }
        if (graph.getOutputCount() != 1) {
            throw new IllegalArgumentException("expected one output, found " + graph.getOutputCount());
        }
        String logits = graph.getOutput(0).getName();
        String last = vertex(logits, "the graph output");
        if (!"softmax".equals(last)) {
            if (shapeOf.get(logits).length != 1) {
                throw new IllegalArgumentException("the output " + logits + " has shape per image "
                        + java.util.Arrays.toString(shapeOf.get(logits)) + "; expected class scores (K)");
            }
            g.addLayer(unique("softmax"), new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .activation(Activation.SOFTMAX).build(), last);
        }
        g.setOutputs("softmax");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        params.forEach((layer, ps) -> ps.forEach((key, value) -> {
            INDArray target = net.getLayer(layer).getParam(key);
            if (!java.util.Arrays.equals(target.shape(), value.shape())) {
                value = value.reshape(target.shape());
            }
            target.assign(value);
        }));
        return new Result(net, Map.copyOf(vertexOf), new int[] {(int) dims[1], (int) dims[2], (int) dims[3]});
    }

    private void node(Onnx.NodeProto n, int index) {
        String op = n.getOpType();
        String where = op + " node '" + (n.getName().isEmpty() ? "#" + index : n.getName()) + "'";
        String name = unique(vertexName(n, index));
        switch (op) {
            case "Constant" -> constants.put(n.getOutput(0), tensor(attribute(n, "value").getT(), where));
            case "Identity", "Dropout" -> alias(n, 0, where);
            case "Flatten" -> {
                if (attributeInt(n, "axis", 1) != 1) {
                    throw refuse(where, "only axis 1 (one row per image) is supported");
                }
                flatten(n, where);
            }
            case "Reshape" -> {
                INDArray shape = constant(n.getInput(1), where);
                long[] s = shape.toLongVector();
                if (s.length != 2 || (s[0] != 0 && s[0] != -1 && s[0] != 1) || s[1] != -1
                        && s[1] != product(shapeOf(n.getInput(0), where))) {
                    throw refuse(where, "only a reshape to (N, -1) is supported, not " + java.util.Arrays.toString(s));
                }
                flatten(n, where);
            }
            case "Pad" -> {
                // PyTorch writes a zero Pad before an AveragePool (count_include_pad); a real one is refused
                long[] pads = n.getInputCount() > 1 ? constant(n.getInput(1), where).toLongVector()
                        : java.util.Arrays.stream(ints(n, "pads", new int[0])).asLongStream().toArray();
                if (java.util.Arrays.stream(pads).anyMatch(x -> x != 0)) {
                    throw refuse(where, "explicit padding " + java.util.Arrays.toString(pads)
                            + " is not supported (padding of Conv and pooling nodes is)");
                }
                alias(n, 0, where);
            }
            case "Conv" -> conv(n, name, where);
            case "BatchNormalization" -> batchNorm(n, name, where);
            case "Relu" -> activation(n, name, Activation.RELU, where);
            case "Clip" -> clip(n, name, where);
            case "Add" -> add(n, name, where);
            case "MaxPool", "AveragePool" -> pool(n, name, op.equals("MaxPool"), where);
            case "GlobalAveragePool", "GlobalMaxPool" -> {
                long[] s = shapeOf(n.getInput(0), where);
                g.addLayer(name, new GlobalPoolingLayer.Builder(op.equals("GlobalMaxPool") ? PoolingType.MAX
                        : PoolingType.AVG).build(), vertex(n.getInput(0), where));
                produce(n.getOutput(0), name, new long[] {s[0]});
            }
            case "Gemm" -> gemm(n, name, where);
            case "MatMul" -> matMul(n, name, where);
            case "Concat" -> concat(n, name, where);
            case "Softmax" -> {
                if (!n.getOutput(0).equals(graph.getOutput(0).getName())) {
                    throw refuse(where, "a softmax is supported only as the graph's output");
                }
                g.addLayer(unique("softmax"), new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build(), vertex(n.getInput(0), where));
                produce(n.getOutput(0), "softmax", shapeOf(n.getInput(0), where));
            }
            default -> throw refuse(where, "the operator is not supported; FlipStorm imports Conv,"
                    + " BatchNormalization, Relu, Clip (as ReLU6), Add, MaxPool, AveragePool, GlobalAveragePool,"
                    + " GlobalMaxPool, Flatten, Reshape, Gemm, MatMul, Concat, Dropout, Identity, Pad (of zeros), Softmax");
        }
    }

    private void conv(Onnx.NodeProto n, String name, String where) {
        long[] s = shapeOf(n.getInput(0), where);
        INDArray w = constant(n.getInput(1), where);
        long nOut = w.size(0);
        long nIn = s[0];
        int group = (int) attributeInt(n, "group", 1);
        int[] k = {(int) w.size(2), (int) w.size(3)};
        int[] stride = ints(n, "strides", new int[] {1, 1});
        int[] dilation = ints(n, "dilations", new int[] {1, 1});
        int[] pad = symmetricPads(n, where);
        String autoPad = attributeString(n, "auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET")) {
            throw refuse(where, "auto_pad " + autoPad + " is not supported; export with explicit pads");
        }
        boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        Map<String, INDArray> p = new LinkedHashMap<>();
        if (group == 1) {
            g.addLayer(name, new ConvolutionLayer.Builder(k).stride(stride).padding(pad).dilation(dilation)
                    .nIn(nIn).nOut(nOut).hasBias(bias).convolutionMode(ConvolutionMode.Truncate)
                    .activation(Activation.IDENTITY).build(), vertex(n.getInput(0), where));
            p.put("W", w);
        } else if (group == nIn && nOut % nIn == 0) {
            int multiplier = (int) (nOut / nIn);
            g.addLayer(name, new DepthwiseConvolution2D.Builder(k).stride(stride).padding(pad).dilation(dilation)
                    .nIn(nIn).depthMultiplier(multiplier).hasBias(bias).convolutionMode(ConvolutionMode.Truncate)
                    .activation(Activation.IDENTITY).build(), vertex(n.getInput(0), where));
            // ONNX (in * multiplier, 1, kH, kW) -> DL4J (kH, kW, in, multiplier)
            p.put("W", w.reshape(nIn, multiplier, k[0], k[1]).permute(2, 3, 0, 1).dup());
        } else {
            throw refuse(where, "group " + group + " with " + nIn + " input channels: only plain (group 1) and"
                    + " depthwise (group = input channels) convolutions are supported");
        }
        if (bias) {
            p.put("b", constant(n.getInput(2), where));
        }
        params.put(name, p);
        long h = (s[1] + 2L * pad[0] - dilation[0] * (k[0] - 1L) - 1) / stride[0] + 1;
        long wd = (s[2] + 2L * pad[1] - dilation[1] * (k[1] - 1L) - 1) / stride[1] + 1;
        produce(n.getOutput(0), name, new long[] {nOut, h, wd});
    }

    private void batchNorm(Onnx.NodeProto n, String name, String where) {
        if (n.getOutputCount() > 1 && n.getOutputList().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            throw refuse(where, "a batch norm in training mode (running statistics as outputs); export in eval mode");
        }
        long[] s = shapeOf(n.getInput(0), where);
        double eps = attributeFloat(n, "epsilon", 1e-5f);
        g.addLayer(name, new BatchNormalization.Builder().nIn(s[0]).nOut(s[0]).eps(eps).useLogStd(false)
                .build(), vertex(n.getInput(0), where));
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("gamma", constant(n.getInput(1), where));
        p.put("beta", constant(n.getInput(2), where));
        p.put("mean", constant(n.getInput(3), where));
        p.put("var", constant(n.getInput(4), where));
        params.put(name, p);
        produce(n.getOutput(0), name, s);
    }

    private void activation(Onnx.NodeProto n, String name, Activation a, String where) {
        g.addLayer(name, new ActivationLayer.Builder().activation(a).build(), vertex(n.getInput(0), where));
        produce(n.getOutput(0), name, shapeOf(n.getInput(0), where));
    }

    private void clip(Onnx.NodeProto n, String name, String where) {
        float min;
        float max;
        if (n.getInputCount() > 1) { // opset 11+: bounds are inputs
            min = n.getInput(1).isEmpty() ? Float.NEGATIVE_INFINITY : constant(n.getInput(1), where).getFloat(0);
            max = n.getInputCount() < 3 || n.getInput(2).isEmpty() ? Float.POSITIVE_INFINITY
                    : constant(n.getInput(2), where).getFloat(0);
        } else {
            min = attributeFloat(n, "min", Float.NEGATIVE_INFINITY);
            max = attributeFloat(n, "max", Float.POSITIVE_INFINITY);
        }
        if (min == 0f && max == 6f) {
            activation(n, name, Activation.RELU6, where);
        } else if (min == 0f && max == Float.POSITIVE_INFINITY) {
            activation(n, name, Activation.RELU, where);
        } else {
            throw refuse(where, "Clip to [" + min + ", " + max + "]: only [0, 6] (ReLU6) and [0, inf) (ReLU)"
                    + " are supported");
        }
    }

    private void add(Onnx.NodeProto n, String name, String where) {
        String a = n.getInput(0);
        String b = n.getInput(1);
        if (constants.containsKey(a) || constants.containsKey(b)) {
            // the bias of a MatMul: folded into the dense layer that computes the other input
            String x = constants.containsKey(a) ? b : a;
            String dense = vertex(x, where);
            Map<String, INDArray> p = params.get(dense);
            if (p == null || !p.containsKey("b") || p.get("b").sumNumber().doubleValue() != 0
                    || !"MatMul".equals(producerOp(x))) {
                throw refuse(where, "adding a constant is supported only as the bias right after a MatMul");
            }
            p.put("b", constants.get(constants.containsKey(a) ? a : b));
            vertexOf.put(n.getOutput(0), dense);
            shapeOf.put(n.getOutput(0), shapeOf(x, where));
            return;
        }
        if (!java.util.Arrays.equals(shapeOf(a, where), shapeOf(b, where))) {
            throw refuse(where, "broadcasting add of " + java.util.Arrays.toString(shapeOf(a, where)) + " and "
                    + java.util.Arrays.toString(shapeOf(b, where)) + " is not supported");
        }
        g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), vertex(a, where), vertex(b, where));
        produce(n.getOutput(0), name, shapeOf(a, where));
    }

    private void pool(Onnx.NodeProto n, String name, boolean max, String where) {
        long[] s = shapeOf(n.getInput(0), where);
        int[] k = ints(n, "kernel_shape", null);
        int[] stride = ints(n, "strides", new int[] {1, 1});
        int[] pad = symmetricPads(n, where);
        if (attributeInt(n, "ceil_mode", 0) != 0) {
            throw refuse(where, "ceil_mode 1 is not supported");
        }
        if (!max && attributeInt(n, "count_include_pad", 0) != 0 && (pad[0] != 0 || pad[1] != 0)) {
            throw refuse(where, "count_include_pad 1 with padding is not supported");
        }
        g.addLayer(name, new SubsamplingLayer.Builder(max ? PoolingType.MAX : PoolingType.AVG).kernelSize(k)
                .stride(stride).padding(pad).convolutionMode(ConvolutionMode.Truncate)
                .avgPoolIncludePadInDivisor(false).build(), vertex(n.getInput(0), where));
        produce(n.getOutput(0), name, new long[] {s[0], (s[1] + 2L * pad[0] - k[0]) / stride[0] + 1,
                (s[2] + 2L * pad[1] - k[1]) / stride[1] + 1});
    }

    private void gemm(Onnx.NodeProto n, String name, String where) {
        if (attributeFloat(n, "alpha", 1f) != 1f || attributeFloat(n, "beta", 1f) != 1f
                || attributeInt(n, "transA", 0) != 0) {
            throw refuse(where, "only alpha = beta = 1 and transA = 0 are supported");
        }
        INDArray b = constant(n.getInput(1), where);
        INDArray w = attributeInt(n, "transB", 0) == 1 ? b.transpose().dup() : b;
        dense(n, name, w, n.getInputCount() > 2 ? constant(n.getInput(2), where) : null, where);
    }

    private void matMul(Onnx.NodeProto n, String name, String where) {
        dense(n, name, constant(n.getInput(1), where), null, where);
    }

    /** A dense layer of weights {@code w} (in, out); a MatMul's bias starts at zero until its Add. */
    private void dense(Onnx.NodeProto n, String name, INDArray w, INDArray bias, String where) {
        long[] s = shapeOf(n.getInput(0), where);
        if (s.length != 1) {
            throw refuse(where, "its input has shape per image " + java.util.Arrays.toString(s)
                    + "; flatten it first (Flatten or Reshape to (N, -1))");
        }
        if (w.rank() != 2 || w.size(0) != s[0]) {
            throw refuse(where, "weights of shape " + java.util.Arrays.toString(w.shape()) + " do not take "
                    + s[0] + " inputs");
        }
        g.addLayer(name, new DenseLayer.Builder().nIn(s[0]).nOut(w.size(1)).activation(Activation.IDENTITY)
                .hasBias(true).build(), vertex(n.getInput(0), where));
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("W", w);
        p.put("b", bias != null ? bias : Nd4j.zeros(DataType.FLOAT, 1, w.size(1)));
        params.put(name, p);
        produce(n.getOutput(0), name, new long[] {w.size(1)});
    }

    private void concat(Onnx.NodeProto n, String name, String where) {
        long axis = attributeInt(n, "axis", 1);
        long[] first = shapeOf(n.getInput(0), where);
        if (axis != 1) {
            throw refuse(where, "concatenation on axis " + axis + ": only channels (axis 1) are supported");
        }
        long channels = 0;
        String[] from = new String[n.getInputCount()];
        for (int i = 0; i < n.getInputCount(); i++) {
            long[] s = shapeOf(n.getInput(i), where);
            if (s.length != first.length || (s.length == 3 && (s[1] != first[1] || s[2] != first[2]))) {
                throw refuse(where, "inputs of different spatial shapes");
            }
            channels += s[0];
            from[i] = vertex(n.getInput(i), where);
        }
        g.addVertex(name, new MergeVertex(), from);
        long[] out = first.clone();
        out[0] = channels;
        produce(n.getOutput(0), name, out);
    }

    private void flatten(Onnx.NodeProto n, String where) {
        long[] s = shapeOf(n.getInput(0), where);
        // DL4J flattens (C, H, W) in the same order when a dense layer follows a convolutional one
        vertexOf.put(n.getOutput(0), vertex(n.getInput(0), where));
        shapeOf.put(n.getOutput(0), new long[] {product(s)});
    }

    private void alias(Onnx.NodeProto n, int input, String where) {
        vertexOf.put(n.getOutput(0), vertex(n.getInput(input), where));
        shapeOf.put(n.getOutput(0), shapeOf(n.getInput(input), where));
    }

    private void produce(String tensor, String vertex, long[] shape) {
        vertexOf.put(tensor, vertex);
        shapeOf.put(tensor, shape);
    }

    private String producerOp(String tensor) {
        for (Onnx.NodeProto n : graph.getNodeList()) {
            if (n.getOutputList().contains(tensor)) {
                return n.getOpType();
            }
        }
        return "";
    }

    private String vertex(String tensor, String where) {
        String v = vertexOf.get(tensor);
        if (v == null) {
            throw new IllegalArgumentException(where + ": its input '" + tensor + "' is computed by no node before it");
        }
        return v;
    }

    private long[] shapeOf(String tensor, String where) {
        vertex(tensor, where);
        return shapeOf.get(tensor);
    }

    private INDArray constant(String tensor, String where) {
        INDArray c = constants.get(tensor);
        if (c == null) {
            throw refuse(where, "input '" + tensor + "' must be a constant (weights, a shape, a bound)");
        }
        return c;
    }

    private static IllegalArgumentException refuse(String where, String why) {
        return new IllegalArgumentException("cannot import " + where + ": " + why);
    }

    private String unique(String base) {
        String name = base;
        for (int i = 2; !usedNames.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** "/layer1/conv1/Conv" -> "layer1.conv1.Conv"; a node without a name is OP_INDEX. */
    static String vertexName(Onnx.NodeProto n, int index) {
        String s = n.getName().replaceAll("^/+", "").replace('/', '.').replaceAll("[^A-Za-z0-9_.\\-]", "_");
        return s.isEmpty() ? n.getOpType() + "_" + index : s;
    }

    private static long product(long[] s) {
        long p = 1;
        for (long x : s) {
            p *= x;
        }
        return p;
    }

    private static int[] symmetricPads(Onnx.NodeProto n, String where) {
        int[] p = ints(n, "pads", new int[] {0, 0, 0, 0});
        if (p.length != 4 || p[0] != p[2] || p[1] != p[3]) {
            throw refuse(where, "pads " + java.util.Arrays.toString(p) + " are not symmetric (top = bottom,"
                    + " left = right)");
        }
        return new int[] {p[0], p[1]};
    }

    private static Onnx.AttributeProto attribute(Onnx.NodeProto n, String name) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static long attributeInt(Onnx.NodeProto n, String name, long dflt) {
        Onnx.AttributeProto a = attribute(n, name);
        return a == null ? dflt : a.getI();
    }

    private static float attributeFloat(Onnx.NodeProto n, String name, float dflt) {
        Onnx.AttributeProto a = attribute(n, name);
        return a == null ? dflt : a.getF();
    }

    private static String attributeString(Onnx.NodeProto n, String name, String dflt) {
        Onnx.AttributeProto a = attribute(n, name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    private static int[] ints(Onnx.NodeProto n, String name, int[] dflt) {
        Onnx.AttributeProto a = attribute(n, name);
        if (a == null) {
            if (dflt == null) {
                throw refuse(n.getOpType() + " node '" + n.getName() + "'", "attribute " + name + " is missing");
            }
            return dflt;
        }
        return a.getIntsList().stream().mapToInt(Long::intValue).toArray();
    }

    /** An ONNX tensor as an INDArray: float32 and int64 (shapes) only. */
    private static INDArray tensor(Onnx.TensorProto t, String where) {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = product(dims);
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (t.getDataType()) {
            case 1 -> { // FLOAT
                float[] v = new float[(int) count];
                if (!t.getRawData().isEmpty()) {
                    raw.asFloatBuffer().get(v);
                } else {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = t.getFloatData(i);
                    }
                }
                return dims.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, dims, 'c');
            }
            case 7 -> { // INT64
                long[] v = new long[(int) count];
                if (!t.getRawData().isEmpty()) {
                    raw.asLongBuffer().get(v);
                } else {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = t.getInt64Data(i);
                    }
                }
                return dims.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.createFromArray(v).reshape(dims);
            }
            default -> throw new IllegalArgumentException(where + ": tensor type " + t.getDataType()
                    + " is not supported (float32 weights and int64 shapes are)");
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "OnnxImport(%d nodes)", graph.getNodeCount());
    }
}
