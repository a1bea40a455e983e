package org.flipstorm.zoo.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.flipstorm.zoo.nets.head.CosineHead;
import org.flipstorm.zoo.nets.head.LogitScale;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The two heads every graph architecture ends in, so that campaigns find the same layer names in
 * every zoo model: {@code logits} (the last injectable layer, pre-softmax scores) and a
 * parameter-free {@code softmax} loss layer.
 *
 * <ul>
 *   <li>baseline: {@code features -> logits}, a dense layer to the classes;
 *   <li>text_guided (and its ablation cosine_random): {@code features -> text_proj} (dense,
 *       identity, E units) {@code -> cosine} (a {@link CosineHead} whose rows start as the class
 *       embeddings) {@code -> logits} (a {@link LogitScale}, exp(s) times the cosines).
 * </ul>
 */
public final class Heads {
    /** Name of the text-guided head's pre-scale layer (GoldenEye's site for the study's head). */
    public static final String COSINE = "cosine";

    private Heads() {}

    /** Adds the head of {@code spec} on top of vertex {@code features} and sets the output. */
    static void attach(ComputationGraphConfiguration.GraphBuilder g, String features, NetSpec spec) {
        String below = features;
        if (spec.textGuided()) {
            g.addLayer("text_proj", new DenseLayer.Builder().nOut(spec.classEmbeddings()[0].length)
                    .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build(), features);
            g.addLayer(COSINE, new CosineHead(spec.classEmbeddings()), "text_proj");
            g.addLayer("logits", LogitScale.of(spec.numClasses()), COSINE);
        } else {
            g.addLayer("logits", new DenseLayer.Builder().nOut(spec.numClasses()).activation(Activation.IDENTITY)
                    .weightInit(WeightInit.XAVIER).build(), below);
        }
        g.addLayer("softmax", new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build(), "logits")
                .setOutputs("softmax");
    }
}
