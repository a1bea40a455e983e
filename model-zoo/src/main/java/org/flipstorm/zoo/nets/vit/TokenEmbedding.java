package org.flipstorm.zoo.nets.vit;

import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.flipstorm.zoo.nets.head.HeadLayers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns the patch embedding's map {@code [batch, features, h, w]} into tokens
 * {@code [batch, features, h*w]} (row-major patch order, DL4J's recurrent NCW layout) and adds a
 * learned position embedding {@code [features, h*w]}, initialised from N(0, 0.02^2) as in ViT's
 * reference code. The tokens are this layer's output, so a fault site sees embedding + position.
 */
public class TokenEmbedding extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;
    /** Parameter key of the position embedding ({@code [features, tokens]}). */
    public static final String POSITIONS = "pos";
    /** Standard deviation of the initial position embedding. */
    public static final double INIT_STD = 0.02;

    static final VectorParams PARAMS = new VectorParams(List.of(new VectorParams.Block() {
        @Override
        public String key() {
            return POSITIONS;
        }

        @Override
        public long[] shape(org.deeplearning4j.nn.conf.layers.Layer layer) {
            TokenEmbedding t = (TokenEmbedding) layer;
            return new long[] {t.getNOut(), t.getTokens()};
        }

        @Override
        public void initialise(org.deeplearning4j.nn.conf.layers.Layer layer, INDArray values) {
            values.assign(Nd4j.randn(values.dataType(), values.shape()).muli(INIT_STD));
        }
    }));

    private long tokens;

    /** For JSON deserialisation and {@link #of(int, int)}. */
    protected TokenEmbedding() {}

    /** Tokens of {@code features} features from a map of {@code tokens} = h*w positions. */
    public static TokenEmbedding of(int features, int tokens) {
        if (features < 1 || tokens < 1) {
            throw new IllegalArgumentException("features " + features + " and tokens " + tokens + " must be >= 1");
        }
        TokenEmbedding t = new TokenEmbedding();
        t.nIn = features;
        t.nOut = features;
        t.tokens = tokens;
        return t;
    }

    /** Number of tokens (patches). */
    public long getTokens() {
        return tokens;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return HeadLayers.wire(new TokenEmbeddingLayer(conf, networkDataType), initializer(), conf, listeners,
                layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return PARAMS;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        check(inputType);
        return InputType.recurrent(nOut, tokens, RNNFormat.NCW);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        check(inputType);
    }

    private void check(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalArgumentException("token embedding '" + getLayerName() + "' takes the patch map"
                    + " [batch, features, h, w]; got " + inputType);
        }
        if (c.getChannels() != nIn || c.getHeight() * c.getWidth() != tokens) {
            throw new IllegalArgumentException("token embedding '" + getLayerName() + "' is for " + nIn
                    + " features x " + tokens + " patches; the patch map is " + c.getChannels() + " x "
                    + c.getHeight() + " x " + c.getWidth());
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(layerName, TokenEmbedding.class, inputType,
                getOutputType(-1, inputType)).standardMemory(params, params).workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0).build();
    }
}
