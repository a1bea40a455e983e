package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.flipstorm.zoo.nets.Architectures;
import org.flipstorm.zoo.nets.NetSpec;
import org.flipstorm.zoo.nets.VisionTransformer;
import org.flipstorm.zoo.nets.vit.LayerNorm;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The engine on the zoo's vision transformer: its sites, which of them GoldenEye would hook,
 * bit-exact suffixes from a site of every vertex kind, and early masking that follows a value only
 * through the kinds that keep it in one place.
 */
class VisionTransformerInjectionTest {
    /** The vertex kinds of a block, by the suffix of their names. */
    private static final List<String> BLOCK = List.of("ln1", "q", "k", "v", "attn", "proj", "add1", "ln2", "fc1",
            "gelu", "fc2", "add2");

    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    private static float[][] embeddings() {
        float[][] rows = new float[10][12];
        SplittableRandom r = new SplittableRandom(8);
        for (float[] row : rows) {
            for (int e = 0; e < row.length; e++) {
                row[e] = (float) r.nextGaussian();
            }
        }
        return rows;
    }

    @Test
    void everyVertexOfEveryBlockIsASiteAndGoldenEyeTakesTheProjectionsAndTheMlp() {
        for (float[][] rows : new float[][][] {null, embeddings()}) {
            InjectableNetwork net = InjectableNetworks.of(Architectures.build(VisionTransformer.VIT_TINY,
                    new NetSpec(1, 28, 28, 10, rows, new NoOp(), 0, 3)));
            List<String> expectSites = new ArrayList<>(List.of("patch", "embed"));
            List<String> expectGoldenEye = new ArrayList<>(List.of("patch"));
            for (int b = 1; b <= VisionTransformer.DEPTH; b++) {
                for (String kind : BLOCK) {
                    expectSites.add("b" + b + "_" + kind);
                }
                for (String kind : List.of("q", "k", "v", "proj", "fc1", "fc2")) {
                    expectGoldenEye.add("b" + b + "_" + kind);
                }
            }
            expectSites.addAll(List.of("norm", "pool"));
            expectSites.addAll(rows == null ? List.of("logits", "softmax") : List.of("text_proj", "cosine", "logits",
                    "softmax"));
            expectGoldenEye.addAll(rows == null ? List.of("logits") : List.of("text_proj", "cosine"));
            List<String> goldenEye = new ArrayList<>();
            for (int s = 0; s < net.size(); s++) {
                if (net.isGoldenEyeSite(s)) {
                    goldenEye.add(net.names().get(s));
                }
            }
            String head = rows == null ? "baseline" : "text";
            assertEquals(Set.copyOf(expectSites), Set.copyOf(net.names()), head);
            assertEquals(expectSites.size(), net.size(), head);
            assertEquals(Set.copyOf(expectGoldenEye), Set.copyOf(goldenEye), head);
            assertEquals(expectGoldenEye.size(), goldenEye.size(), head);
        }
    }

    /**
     * Block 1 in full, the patch embedding, the tokens, the final norm and pooling, and the head;
     * the cone of influence (for 4-d maps feeding convolutions) never applies to a transformer.
     */
    @Test
    void suffixesFromEveryNewVertexKindMatchAForwardPassWithTheSiteOverwritten() {
        for (float[][] rows : new float[][][] {null, embeddings()}) {
            ComputationGraph net = (ComputationGraph) Architectures.build(VisionTransformer.VIT_TINY,
                    NetSpec.cifar(10, rows, 21));
            InjectableNetwork network = InjectableNetworks.of(net);
            List<String> names = network.names();
            INDArray images = SuffixNoise.images(6, 3, 3, 32, 32);
            SuffixEquivalenceTest.checkSites(net, images, s -> {
                String n = names.get(s);
                return !n.startsWith("b") || n.startsWith("b1_") || n.equals("b4_add2");
            });
            GoldenPass golden = network.golden(images);
            for (int s = 0; s < network.size(); s++) {
                assertFalse(network.hasCone(s, golden), names.get(s));
            }
        }
    }

    /**
     * Layer norm, the token embedding and attention spread a value over a token or all of them, so
     * tracking stops there; GELU keeps it in place and is followed. The engine with early masking
     * gives the same trials as without it and still drops rows (at residual adds whose sum rounds
     * the flip away, or at the GELU).
     */
    @Test
    void earlyMaskingFollowsGeluAndAddsAndStopsAtNormsEmbeddingAndAttention() {
        long[] tokens = {8, 4};
        assertEquals(RowTracker.SPREADS, RowTracker.indexMap(LayerNorm.of(8), tokens,
                tokens).applyAsLong(5));
        assertEquals(RowTracker.SPREADS, RowTracker.indexMap(
                org.flipstorm.zoo.nets.vit.TokenEmbedding.of(8, 4), new long[] {8, 2, 2},
                tokens).applyAsLong(5));
        assertEquals(5, RowTracker.indexMap(new ActivationLayer.Builder().activation(Activation.GELU).build(), tokens,
                tokens).applyAsLong(5));
        EarlyMaskingTest.check(small(), SuffixNoise.images(8, 5, 1, 8, 8), small());
    }

    private static ComputationGraph small() {
        return VisionTransformer.build(new NetSpec(1, 8, 8, 10, null, new NoOp(), 0, 4), 4, 8, 2, 2, 12);
    }
}
