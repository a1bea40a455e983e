package org.flipstorm.zoo.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelBuilder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.flipstorm.zoo.ZooException;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Reads a Keras 2 HDF5 model ({@code model.save("m.h5")}, Sequential or functional) through
 * DL4J's Keras model builder, then makes a {@code channels_last} network take the NCHW images
 * every FlipStorm dataset gives: each convolution, pooling and batch-norm layer switches to NCHW
 * (their weights are stored the same way in both layouts), and the dense layer after a flatten gets
 * its input rows reordered from Keras's (H, W, C) order to (C, H, W), so it computes the same
 * function. Fault sites are the Keras layer names; the network ends in the zoo's softmax loss layer.
 */
public final class KerasImport {
    private KerasImport() {}

    /**
     * Imports {@code file} (a Sequential model as a {@code MultiLayerNetwork}, a functional one as a
     * {@code ComputationGraph}) ending, like every zoo model, in logits and a parameter-free
     * {@code softmax} loss layer: a last dense layer with softmax activation is split into the two
     * (the same outputs; faults then hit the logits, as in the study). A layout this code does not
     * know how to switch is refused by name.
     */
    public static Model read(Path file) throws ZooException {
        Model imported;
        try {
            imported = importClosing(file);
        } catch (Exception e) {
            throw new ZooException("cannot import " + file + " as a Keras HDF5 model (Sequential or functional): "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()), e);
        }
        return imported instanceof MultiLayerNetwork sequential ? withLogitsHead(toNchw(sequential))
                : withLogitsHead(toNchw((ComputationGraph) imported));
    }

    /**
     * DL4J's import of {@code file}, as a Sequential model when its {@code model_config} names one,
     * else as a functional one. The HDF5 file is closed here whatever happens: DL4J's own entry
     * points ({@code KerasModelImport}) leave it open when the build fails, and JavaCPP then closes
     * it from its deallocator thread, racing this thread's HDF5 calls in a library not built for
     * threads (that aborted a test JVM once).
     */
    private static Model importClosing(Path file) throws Exception {
        KerasModelBuilder builder = new KerasModel().modelBuilder();
        try {
            builder.modelHdf5Filename(file.toString()).enforceTrainingConfig(false);
            String className = new ObjectMapper().readTree(builder.getModelJson()).path("class_name").asText();
            return "Sequential".equals(className) ? builder.buildSequential().getMultiLayerNetwork()
                    : builder.buildModel().getComputationGraph();
        } finally {
            builder.close();
        }
    }

    /** The graph with its last dense layer giving logits, followed by a softmax loss layer. */
    static ComputationGraph withLogitsHead(ComputationGraph g) {
        List<String> outs = g.getConfiguration().getNetworkOutputs();
        if (outs.size() != 1) {
            throw new IllegalArgumentException("a Keras classifier for FlipStorm has one output, not " + outs);
        }
        logitsOf(g.getLayer(outs.get(0)).conf().getLayer());
        return new TransferLearning.GraphBuilder(g)
                .fineTuneConfiguration(new org.deeplearning4j.nn.transferlearning.FineTuneConfiguration.Builder().build())
                .addLayer("softmax", new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build(), outs.get(0))
                .setOutputs("softmax").build();
    }

    /** Makes the classifier's last layer give logits (its softmax, if any, moves to the loss layer). */
    private static void logitsOf(Layer last) {
        if (!(last instanceof DenseLayer dense) || last instanceof org.deeplearning4j.nn.conf.layers.BaseOutputLayer) {
            throw new IllegalArgumentException("the last layer '" + last.getLayerName() + "' is a "
                    + last.getClass().getSimpleName() + "; a Keras classifier for FlipStorm ends in a Dense layer"
                    + " (linear or softmax)");
        }
        boolean softmax = dense.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax;
        if (!softmax && !(dense.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationIdentity)) {
            throw new IllegalArgumentException("the last layer '" + last.getLayerName() + "' has activation "
                    + dense.getActivationFn() + "; expected linear (logits) or softmax");
        }
        dense.setActivationFn(new org.nd4j.linalg.activations.impl.ActivationIdentity());
    }

    /**
     * The network with its last dense layer giving logits, followed by a softmax loss layer (a
     * softmax activation there is replaced in {@code net}'s configuration, which is used up).
     */
    static MultiLayerNetwork withLogitsHead(MultiLayerNetwork net) {
        logitsOf(net.getLayer(net.getnLayers() - 1).conf().getLayer());
        return new TransferLearning.Builder(net)
                .fineTuneConfiguration(new org.deeplearning4j.nn.transferlearning.FineTuneConfiguration.Builder().build())
                .addLayer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).name("softmax")
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /** The same network taking NCHW input (the network itself when it already does). */
    static MultiLayerNetwork toNchw(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        boolean changed = false;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            changed |= switchLayer(conf.getConf(i).getLayer());
        }
        Map<Integer, CnnToFeedForwardPreProcessor> flattens = new HashMap<>();
        for (Map.Entry<Integer, InputPreProcessor> e : conf.getInputPreProcessors().entrySet()) {
            CnnToFeedForwardPreProcessor p = flatten(e.getValue(), "layer " + e.getKey());
            if (p != null) {
                flattens.put(e.getKey(), p);
                e.setValue(nchw(p));
            }
        }
        for (int i = 0; i < conf.getConfs().size(); i++) {
            refuseChannelsLast(conf.getConf(i).getLayer());
        }
        if (!changed && flattens.isEmpty()) {
            return net;
        }
        MultiLayerNetwork out = new MultiLayerNetwork(conf);
        out.init(net.params().dup(), false);
        flattens.forEach((i, p) -> reorderRows(out.getLayer(i), net.getLayer(i), p));
        return out;
    }

    /** The same graph taking NCHW input (the graph itself when it already does). */
    static ComputationGraph toNchw(ComputationGraph g) {
        ComputationGraphConfiguration conf = g.getConfiguration().clone();
        boolean changed = false;
        Map<String, CnnToFeedForwardPreProcessor> flattens = new HashMap<>();
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv) {
                changed |= switchLayer(lv.getLayerConf().getLayer());
                CnnToFeedForwardPreProcessor p = flatten(lv.getPreProcessor(), "vertex " + e.getKey());
                if (p != null) {
                    flattens.put(e.getKey(), p);
                    lv.setPreProcessor(nchw(p));
                }
                refuseChannelsLast(lv.getLayerConf().getLayer());
            } else if (e.getValue() instanceof PreprocessorVertex pv
                    && flatten(pv.getPreProcessor(), "vertex " + e.getKey()) != null) {
                // a Keras Flatten of a functional model: its consumers get the reordered rows
                CnnToFeedForwardPreProcessor p = (CnnToFeedForwardPreProcessor) pv.getPreProcessor();
                pv.setPreProcessor(nchw(p));
                conf.getVertexInputs().forEach((consumer, inputs) -> {
                    if (inputs.contains(e.getKey())) {
                        flattens.put(consumer, p);
                    }
                });
            } else if (e.getValue() instanceof MergeVertex m && m.getMergeAxis() == 3) {
                m.setMergeAxis(1); // Keras concatenates channels_last on axis -1
                changed = true;
            } else if (e.getValue().toString().contains("NHWC")) {
                throw new IllegalArgumentException("vertex '" + e.getKey() + "' (" + e.getValue()
                        + ") works on channels_last data and cannot be switched to NCHW here");
            }
        }
        if (!changed && flattens.isEmpty()) {
            return g;
        }
        ComputationGraph out = new ComputationGraph(conf);
        out.init(g.params().dup(), false);
        flattens.forEach((v, p) -> reorderRows(out.getLayer(v), g.getLayer(v), p));
        return out;
    }

    /** Switches one layer's configuration from NHWC to NCHW; true when it changed. */
    private static boolean switchLayer(Layer l) {
        if (l instanceof ConvolutionLayer c && c.getCnn2dDataFormat() == CNN2DFormat.NHWC) {
            c.setCnn2dDataFormat(CNN2DFormat.NCHW);
            return true;
        } else if (l instanceof SubsamplingLayer s && s.getCnn2dDataFormat() == CNN2DFormat.NHWC) {
            s.setCnn2dDataFormat(CNN2DFormat.NCHW);
            return true;
        } else if (l instanceof BatchNormalization b && b.getCnn2DFormat() == CNN2DFormat.NHWC) {
            b.setCnn2DFormat(CNN2DFormat.NCHW);
            return true;
        } else if (l instanceof GlobalPoolingLayer p && java.util.Arrays.equals(p.getPoolingDimensions(),
                new int[] {1, 2})) {
            p.setPoolingDimensions(new int[] {2, 3}); // H and W of NCHW
            return true;
        }
        return false;
    }

    /** The channels_last flatten {@code p} is, or null; refuses other channels_last preprocessors. */
    private static CnnToFeedForwardPreProcessor flatten(InputPreProcessor p, String where) {
        if (p instanceof CnnToFeedForwardPreProcessor f && f.getFormat() == CNN2DFormat.NHWC) {
            return f;
        }
        if (p != null && p.toString().contains("NHWC")) {
            throw new IllegalArgumentException("the channels_last input of " + where + " (" + p
                    + ") cannot be switched to NCHW");
        }
        return null;
    }

    private static CnnToFeedForwardPreProcessor nchw(CnnToFeedForwardPreProcessor p) {
        return new CnnToFeedForwardPreProcessor(p.getInputHeight(), p.getInputWidth(), p.getNumChannels(),
                CNN2DFormat.NCHW);
    }

    private static void refuseChannelsLast(Layer l) {
        if (l.toString().contains("NHWC")) {
            throw new IllegalArgumentException("layer '" + l.getLayerName() + "' (" + l.getClass().getSimpleName()
                    + ") works on channels_last data and cannot be switched to NCHW here");
        }
    }

    /** The dense layer after a flatten: its input rows from Keras's (H, W, C) order to (C, H, W). */
    private static void reorderRows(org.deeplearning4j.nn.api.Layer to, org.deeplearning4j.nn.api.Layer from,
                                    CnnToFeedForwardPreProcessor p) {
        if (!(to.conf().getLayer() instanceof DenseLayer)) {
            throw new IllegalArgumentException("a flatten into '" + to.conf().getLayer().getLayerName()
                    + "', which is not a dense layer, is not supported");
        }
        INDArray w = to.getParam("W");
        INDArray old = from.getParam("W");
        long h = p.getInputHeight();
        long wd = p.getInputWidth();
        long c = p.getNumChannels();
        for (long y = 0; y < h; y++) {
            for (long x = 0; x < wd; x++) {
                for (long ch = 0; ch < c; ch++) {
                    w.getRow(ch * h * wd + y * wd + x).assign(old.getRow((y * wd + x) * c + ch));
                }
            }
        }
    }
}
