package org.flipstorm.zoo.nets.head;

import java.util.Arrays;
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
 * Configuration of the text-guided head of "Hardware Resilience Properties of Text-Guided Image
 * Classifiers" (NeurIPS 2023): the backbone's E features are L2-normalised and multiplied by a
 * bias-free C x E matrix whose rows start as the L2-normalised text embeddings of the classes; the
 * result is scaled by exp(s), s learned and initialised to log(1/0.07) (CLIP's temperature), not
 * clamped. The output are logits (follow it with a softmax loss layer). Both are trained.
 *
 * <p>New models use the split form, {@link CosineHead} then {@link LogitScale}, so that the value
 * before the scale is a fault site of its own; this one-layer form stays so that models saved
 * with it load ({@code MigrateHead} converts them).
 */
public class TextGuidedHead extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;
    /** CLIP's initial temperature: logits start scaled by 1/0.07. */
    public static final double LOG_SCALE_INIT = Math.log(1 / 0.07);

    private float[] classEmbeddings;

    /** For JSON deserialisation. */
    protected TextGuidedHead() {}

    /**
     * A head whose rows start as {@code embeddings} (one row per class, normalised here).
     *
     * @throws IllegalArgumentException if rows differ in length or one is all zeros
     */
    public TextGuidedHead(float[][] embeddings) {
        this.classEmbeddings = normalisedRows(embeddings);
        this.nIn = embeddings[0].length;
        this.nOut = embeddings.length;
    }

    /**
     * The rows of {@code embeddings}, each scaled to unit L2 norm, row-major C x E.
     *
     * @throws IllegalArgumentException for fewer than two rows, rows of different lengths or an
     *     all-zero row
     */
    static float[] normalisedRows(float[][] embeddings) {
        if (embeddings.length < 2) {
            throw new IllegalArgumentException(embeddings.length + " class embeddings; expected one per class, >= 2");
        }
        int e = embeddings[0].length;
        float[] out = new float[embeddings.length * e];
        for (int c = 0; c < embeddings.length; c++) {
            if (embeddings[c].length != e) {
                throw new IllegalArgumentException("class " + c + " embedding has " + embeddings[c].length
                        + " values; expected " + e + " like class 0");
            }
            double norm = 0;
            for (float v : embeddings[c]) {
                norm += (double) v * v;
            }
            if (!(norm > 0)) {
                throw new IllegalArgumentException("class " + c + " embedding is all zeros");
            }
            for (int k = 0; k < e; k++) {
                out[c * e + k] = (float) (embeddings[c][k] / Math.sqrt(norm));
            }
        }
        return out;
    }

    /** The initial rows, normalised, row-major C x E. */
    public float[] getClassEmbeddings() {
        return classEmbeddings.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return HeadLayers.wire(new TextGuidedHeadLayer(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return TextGuidedHeadParams.INSTANCE;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (inputType instanceof InputType.InputTypeFeedForward ff && ff.getSize() != nIn) {
            throw new IllegalArgumentException("the backbone gives " + ff.getSize() + " features but the class"
                    + " embeddings have " + nIn + "; end the backbone in a layer of " + nIn + " units");
        }
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(layerName, TextGuidedHead.class, inputType, out)
                .standardMemory(params, params)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextGuidedHead h && super.equals(o) && Arrays.equals(classEmbeddings, h.classEmbeddings);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Arrays.hashCode(classEmbeddings);
    }
}
