package org.flipstorm.zoo.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.Activation;

/** The convolution + batch norm (+ activation) unit the graph architectures are made of. */
final class Blocks {
    private Blocks() {}

    /**
     * Adds {@code NAME_conv} (the given convolution) on {@code in}, {@code NAME_bn} after it and,
     * unless {@code activation} is null, {@code NAME_relu}; returns the last vertex's name.
     */
    static String convBn(ComputationGraphConfiguration.GraphBuilder g, String name, String in, Layer conv,
                         Activation activation) {
        g.addLayer(name + "_conv", conv, in)
                .addLayer(name + "_bn", new BatchNormalization.Builder().build(), name + "_conv");
        if (activation == null) {
            return name + "_bn";
        }
        g.addLayer(name + "_relu", new ActivationLayer.Builder().activation(activation).build(), name + "_bn");
        return name + "_relu";
    }
}
