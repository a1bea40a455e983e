package org.flipstorm.zoo.nets.head;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Second half of the text-guided head: logits = exp(s) * x, with one learned scalar s that starts
 * at log(1/0.07) (CLIP's temperature) and is not clamped. Width in = width out = classes.
 */
public class LogitScale extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation and {@link #of(int)}. */
    protected LogitScale() {}

    /** A scale over {@code classes} inputs. */
    public static LogitScale of(int classes) {
        LogitScale s = new LogitScale();
        s.nIn = classes;
        s.nOut = classes;
        return s;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return HeadLayers.wire(new LogitScaleLayer(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return HeadParams.SCALE;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (inputType instanceof InputType.InputTypeFeedForward ff && ff.getSize() != nIn) {
            throw new IllegalArgumentException("the logit scale takes " + nIn + " class scores but gets "
                    + ff.getSize());
        }
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, LogitScale.class, inputType, getOutputType(-1, inputType))
                .standardMemory(1, 1).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }
}
