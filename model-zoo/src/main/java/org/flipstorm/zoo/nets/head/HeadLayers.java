package org.flipstorm.zoo.nets.head;

import java.util.Collection;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every custom layer configuration of the zoo (the heads, the transformer's layers) does in
 * {@code instantiate} with the layer it creates.
 */
public final class HeadLayers {
    private HeadLayers() {}

    /** Wires {@code layer} to its listeners, index, parameter view and (initialised) parameters. */
    public static <L extends BaseLayer<?>> L wire(L layer, ParamInitializer initializer, NeuralNetConfiguration conf,
                                           Collection<TrainingListener> listeners, int layerIndex,
                                           INDArray layerParamsView, boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer.init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
