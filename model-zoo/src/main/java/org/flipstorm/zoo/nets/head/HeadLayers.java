package org.flipstorm.zoo.nets.head;

import java.util.Collection;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What every head configuration's {@code instantiate} does with the layer it creates. */
final class HeadLayers {
    private HeadLayers() {}

    /** Wires {@code layer} to its listeners, index, parameter view and (initialised) parameters. */
    static <L extends BaseLayer<?>> L wire(L layer, ParamInitializer initializer, NeuralNetConfiguration conf,
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
