package org.flipstorm.zoo.store;

import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.flipstorm.zoo.ZooException;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Reads a Keras 2 HDF5 model ({@code model.save("m.h5")} of a {@code Sequential} model) through
 * DL4J's {@link KerasModelImport}, then makes a {@code channels_last} network take the NCHW images
 * every FlipStorm dataset gives: each convolution, pooling and batch-norm layer switches to NCHW
 * (their weights are stored the same way in both layouts), and the dense layer after a flatten gets
 * its input rows reordered from Keras's (H, W, C) order to (C, H, W), so it computes the same
 * function. Fault sites are the Keras layer names; the network ends in the zoo's softmax loss layer.
 */
public final class KerasImport {
    private KerasImport() {}

    /**
     * Imports {@code file} as a graph ending, like every zoo model, in logits and a parameter-free
     * {@code softmax} loss layer: a last dense layer with softmax activation is split into the two
     * (the same outputs; faults then hit the logits, as in the study). A layout this code does not
     * know how to switch is refused by name.
     */
    public static MultiLayerNetwork read(Path file) throws ZooException {
        MultiLayerNetwork keras;
        try {
            keras = KerasModelImport.importKerasSequentialModelAndWeights(file.toString(), false);
        } catch (Exception e) {
            throw new ZooException("cannot import " + file + " as a Keras Sequential HDF5 model: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()), e);
        }
        return withLogitsHead(toNchw(keras));
    }

    /**
     * The network with its last dense layer giving logits, followed by a softmax loss layer (a
     * softmax activation there is replaced in {@code net}'s configuration, which is used up).
     */
    static MultiLayerNetwork withLogitsHead(MultiLayerNetwork net) {
        Layer last = net.getLayer(net.getnLayers() - 1).conf().getLayer();
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
            Layer l = conf.getConf(i).getLayer();
            if (l instanceof ConvolutionLayer c && c.getCnn2dDataFormat() == CNN2DFormat.NHWC) {
                c.setCnn2dDataFormat(CNN2DFormat.NCHW);
                changed = true;
            } else if (l instanceof SubsamplingLayer s && s.getCnn2dDataFormat() == CNN2DFormat.NHWC) {
                s.setCnn2dDataFormat(CNN2DFormat.NCHW);
                changed = true;
            } else if (l instanceof BatchNormalization b && b.getCnn2DFormat() == CNN2DFormat.NHWC) {
                b.setCnn2DFormat(CNN2DFormat.NCHW);
                changed = true;
            }
        }
        Map<Integer, InputPreProcessor> pre = conf.getInputPreProcessors();
        Map<Integer, CnnToFeedForwardPreProcessor> flattens = new java.util.HashMap<>();
        for (Map.Entry<Integer, InputPreProcessor> e : pre.entrySet()) {
            if (e.getValue() instanceof CnnToFeedForwardPreProcessor p && p.getFormat() == CNN2DFormat.NHWC) {
                flattens.put(e.getKey(), p);
                e.setValue(new CnnToFeedForwardPreProcessor(p.getInputHeight(), p.getInputWidth(), p.getNumChannels(),
                        CNN2DFormat.NCHW));
                changed = true;
                if (!(conf.getConf(e.getKey()).getLayer() instanceof DenseLayer)) {
                    throw new IllegalArgumentException("a flatten before layer " + e.getKey() + " ("
                            + conf.getConf(e.getKey()).getLayer().getLayerName() + ") that is not dense is not supported");
                }
            } else if (e.getValue().toString().contains("NHWC")) {
                throw new IllegalArgumentException("the channels_last input of layer " + e.getKey() + " ("
                        + e.getValue() + ") cannot be switched to NCHW");
            }
        }
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer l = conf.getConf(i).getLayer();
            if (l.toString().contains("NHWC")) {
                throw new IllegalArgumentException("layer '" + l.getLayerName() + "' (" + l.getClass().getSimpleName()
                        + ") works on channels_last data and cannot be switched to NCHW here");
            }
        }
        if (!changed) {
            return net;
        }
        MultiLayerNetwork out = new MultiLayerNetwork(conf);
        out.init(net.params().dup(), false);
        flattens.forEach((layer, p) -> {
            INDArray w = out.getLayer(layer).getParam("W");
            INDArray old = net.getLayer(layer).getParam("W");
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
        });
        return out;
    }
}
