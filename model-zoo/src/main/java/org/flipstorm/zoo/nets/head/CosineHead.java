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
 * First half of the text-guided head: {@code (x / ||x||) W^T}, a bias-free C x E matrix whose
 * rows start as the L2-normalised class embeddings (trained, not frozen, and not renormalised).
 * Its output is what GoldenEye's hook on the study's head module sees: the value before the
 * logit scale. {@link LogitScale} follows it and makes the logits.
 */
public class CosineHead extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    private float[] classEmbeddings;

    /** For JSON deserialisation. */
    protected CosineHead() {}

    /**
     * A head whose rows start as {@code embeddings} (one row per class, normalised here).
     *
     * @throws IllegalArgumentException if rows differ in length or one is all zeros
     */
    public CosineHead(float[][] embeddings) {
        this.classEmbeddings = TextGuidedHead.normalisedRows(embeddings);
        this.nIn = embeddings[0].length;
        this.nOut = embeddings.length;
    }

    /** The initial rows, normalised, row-major C x E. */
    public float[] getClassEmbeddings() {
        return classEmbeddings.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return HeadLayers.wire(new CosineHeadLayer(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return HeadParams.COSINE;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (inputType instanceof InputType.InputTypeFeedForward ff && ff.getSize() != nIn) {
            throw new IllegalArgumentException("the backbone gives " + ff.getSize() + " features but the class"
                    + " rows have " + nIn + "; end the backbone in a layer of " + nIn + " units");
        }
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(layerName, CosineHead.class, inputType, getOutputType(-1, inputType))
                .standardMemory(params, params).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CosineHead h && super.equals(o) && Arrays.equals(classEmbeddings, h.classEmbeddings);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Arrays.hashCode(classEmbeddings);
    }
}
