package org.flipstorm.zoo.nets.vit;

import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.flipstorm.zoo.nets.head.HeadLayers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layer normalisation (Ba et al., 2016) over the features of each token: for input
 * {@code [batch, features, tokens]} (DL4J's recurrent NCW layout) or {@code [batch, features]},
 * {@code y = gain * (x - mean) / sqrt(var + eps) + bias} with mean and (biased) variance over the
 * features, as PyTorch's {@code nn.LayerNorm(features)} does on {@code [batch, tokens, features]}.
 * DL4J 1.0.0-M2.1 has no layer-norm layer (only a SameDiff op), hence this one.
 */
public class LayerNorm extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;
    /** Parameter key of the per-feature gain (starts at 1). */
    public static final String GAIN = "gain";
    /** Parameter key of the per-feature bias (starts at 0). */
    public static final String BIAS = "bias";
    /** PyTorch's default epsilon. */
    public static final double DEFAULT_EPS = 1e-5;

    static final VectorParams PARAMS = new VectorParams(List.of(
            vector(GAIN, 1.0), vector(BIAS, 0.0)));

    private double eps = DEFAULT_EPS;

    /** For JSON deserialisation and {@link #of(int)}. */
    protected LayerNorm() {}

    /** A layer norm over {@code features} features. */
    public static LayerNorm of(int features) {
        if (features < 1) {
            throw new IllegalArgumentException("features " + features + " must be >= 1");
        }
        LayerNorm n = new LayerNorm();
        n.nIn = features;
        n.nOut = features;
        return n;
    }

    /** The epsilon added to the variance. */
    public double getEps() {
        return eps;
    }

    private static VectorParams.Block vector(String key, double initial) {
        return new VectorParams.Block() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public long[] shape(org.deeplearning4j.nn.conf.layers.Layer layer) {
                return new long[] {1, ((LayerNorm) layer).getNOut()};
            }

            @Override
            public void initialise(org.deeplearning4j.nn.conf.layers.Layer layer, INDArray values) {
                values.assign(initial);
            }
        };
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return HeadLayers.wire(new LayerNormLayer(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return PARAMS;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return TokenTypes.sameFeatures(this, inputType, nOut);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        long features = TokenTypes.features(this, inputType);
        if (features != nIn) {
            throw new IllegalArgumentException("layer norm '" + getLayerName() + "' is for " + nIn
                    + " features but its input has " + features);
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(layerName, LayerNorm.class, inputType, getOutputType(-1, inputType))
                .standardMemory(params, params).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }
}
