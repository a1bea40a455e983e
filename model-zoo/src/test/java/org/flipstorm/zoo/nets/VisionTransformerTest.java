package org.flipstorm.zoo.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.flipstorm.zoo.nets.vit.LayerNorm;
import org.flipstorm.zoo.nets.vit.TokenEmbedding;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** ViT-tiny: parameter count by hand, each new layer against an independent computation, exact gradients. */
class VisionTransformerTest {
    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    private static NetSpec fashion(float[][] embeddings) {
        return new NetSpec(1, 28, 28, 10, embeddings, new NoOp(), 0, 7);
    }

    /** A ViT small enough for a finite-difference check: 8x8 input, 4 patches, width 8, 2 heads. */
    private static ComputationGraph small(float[][] embeddings) {
        return VisionTransformer.build(new NetSpec(1, 8, 8, 3, embeddings, new NoOp(), 0, 11), 4, 8, 1, 2, 6);
    }

    @Test
    void vitTinyOnFashionMnistHasTheHandCountedParameters() {
        ComputationGraph net = VisionTransformer.vitTiny(fashion(null));
        long patch = 4 * 4 * 1 * 64 + 64;
        long positions = 64 * 49;
        long projection = 64 * 64 + 64;
        long block = 2 * 64 // layer norm 1: gain, bias
                + 4 * projection // q, k, v, attention output
                + 2 * 64 // layer norm 2
                + (64 * 128 + 128) // fc1
                + (128 * 64 + 64); // fc2
        assertEquals(33_472, block);
        long total = patch + positions + 4 * block + 2 * 64 + (64 * 10 + 10);
        assertEquals(138_890, total);
        assertEquals(total, net.numParams());
        INDArray out = net.outputSingle(false, Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28));
        assertArrayEquals(new long[] {3, 10}, out.shape());
        assertEquals(3.0, out.sumNumber().doubleValue(), 1e-4, "softmax rows sum to 1");
        for (String site : new String[] {"patch", "embed", "b1_ln1", "b1_q", "b1_k", "b1_v", "b1_attn", "b1_proj",
                "b1_add1", "b1_ln2", "b1_fc1", "b1_gelu", "b1_fc2", "b1_add2", "b4_add2", "norm", "pool", "logits"}) {
            assertTrue(net.getVertex(site) != null, site + " missing");
        }
        Map<String, INDArray> acts = net.feedForward(Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28), false);
        assertArrayEquals(new long[] {2, 64, 49}, acts.get("b2_attn").shape(), "tokens are [batch, features, tokens]");
        assertArrayEquals(new long[] {2, 128, 49}, acts.get("b2_fc1").shape());
    }

    @Test
    void theTextGuidedHeadAddsItsHandCountedParameters() {
        float[][] embeddings = new float[10][384];
        for (int c = 0; c < 10; c++) {
            embeddings[c][c] = 1; // any rows will do: only their shape counts here
        }
        ComputationGraph net = VisionTransformer.vitTiny(fashion(embeddings));
        long baselineLogits = 64 * 10 + 10;
        long textProj = 64 * 384 + 384;
        long classRows = 384 * 10; // bias-free
        long scale = 1;
        assertEquals(167_041, 138_890 - baselineLogits + textProj + classRows + scale);
        assertEquals(167_041, net.numParams());
    }

    @Test
    void tokenEmbeddingIsThePatchMapInRowMajorOrderPlusPositions() {
        ComputationGraph net = small(null);
        Map<String, INDArray> acts = net.feedForward(Nd4j.rand(DataType.FLOAT, 2, 1, 8, 8), false);
        INDArray patch = acts.get("patch");
        INDArray embed = acts.get("embed");
        INDArray pos = net.getLayer("embed").getParam(TokenEmbedding.POSITIONS);
        assertArrayEquals(new long[] {8, 4}, pos.shape());
        assertTrue(pos.norm2Number().doubleValue() > 0, "positions start random");
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 8; c++) {
                for (int t = 0; t < 4; t++) {
                    double want = patch.getDouble(n, c, t / 2, t % 2) + pos.getDouble(c, t);
                    assertEquals(want, embed.getDouble(n, c, t), 1e-6, "n" + n + " c" + c + " t" + t);
                }
            }
        }
    }

    @Test
    void layerNormNormalisesEachTokenOverItsFeatures() {
        ComputationGraph net = small(null);
        INDArray gain = net.getLayer("b1_ln1").getParam(LayerNorm.GAIN);
        INDArray bias = net.getLayer("b1_ln1").getParam(LayerNorm.BIAS);
        assertEquals(8.0, gain.sumNumber().doubleValue(), 0, "gain starts at 1");
        gain.assign(Nd4j.rand(DataType.FLOAT, 1, 8).addi(0.5));
        bias.assign(Nd4j.rand(DataType.FLOAT, 1, 8).subi(0.5));
        Map<String, INDArray> acts = net.feedForward(Nd4j.rand(DataType.FLOAT, 2, 1, 8, 8).muli(5), false);
        INDArray x = acts.get("embed");
        INDArray y = acts.get("b1_ln1");
        for (int n = 0; n < 2; n++) {
            for (int t = 0; t < 4; t++) {
                double mean = 0;
                for (int c = 0; c < 8; c++) {
                    mean += x.getDouble(n, c, t) / 8;
                }
                double var = 0;
                for (int c = 0; c < 8; c++) {
                    var += Math.pow(x.getDouble(n, c, t) - mean, 2) / 8;
                }
                for (int c = 0; c < 8; c++) {
                    double want = gain.getDouble(0, c) * (x.getDouble(n, c, t) - mean) / Math.sqrt(var + 1e-5)
                            + bias.getDouble(0, c);
                    assertEquals(want, y.getDouble(n, c, t), 1e-5, "n" + n + " c" + c + " t" + t);
                }
            }
        }
    }

    @Test
    void attentionIsSoftmaxOfScaledQueryKeyProductsPerHeadTimesValues() {
        ComputationGraph net = small(null);
        Map<String, INDArray> acts = net.feedForward(Nd4j.rand(DataType.FLOAT, 2, 1, 8, 8).muli(3), false);
        INDArray q = acts.get("b1_q");
        INDArray k = acts.get("b1_k");
        INDArray v = acts.get("b1_v");
        INDArray out = acts.get("b1_attn");
        int heads = 2;
        int d = 4;
        int tokens = 4;
        for (int n = 0; n < 2; n++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < tokens; i++) {
                    double[] w = new double[tokens];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tokens; j++) {
                        for (int f = 0; f < d; f++) {
                            w[j] += q.getDouble(n, h * d + f, i) * k.getDouble(n, h * d + f, j) / Math.sqrt(d);
                        }
                        max = Math.max(max, w[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tokens; j++) {
                        w[j] = Math.exp(w[j] - max);
                        sum += w[j];
                    }
                    for (int f = 0; f < d; f++) {
                        double want = 0;
                        for (int j = 0; j < tokens; j++) {
                            want += w[j] / sum * v.getDouble(n, h * d + f, j);
                        }
                        assertEquals(want, out.getDouble(n, h * d + f, i), 1e-5, "n" + n + " h" + h + " i" + i);
                    }
                }
            }
        }
    }

    @Test
    void gradientsOfEveryLayerMatchFiniteDifferencesWithBothHeads() {
        float[][] emb = {{1, 0, 2, 0, 1}, {0, 3, 0, 1, 0}, {1, 1, 1, 1, 1}};
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            checkGradients(emb);
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    private static void checkGradients(float[][] emb) {
        for (float[][] embeddings : new float[][][] {null, emb}) {
            ComputationGraph net = small(embeddings).convertDataType(DataType.DOUBLE);
            // Non-trivial norm parameters, so their gradients are tested away from 1 and 0.
            for (String ln : new String[] {"b1_ln1", "b1_ln2", "norm"}) {
                net.getLayer(ln).getParam(LayerNorm.GAIN).assign(Nd4j.rand(DataType.DOUBLE, 1, 8).addi(0.5));
                net.getLayer(ln).getParam(LayerNorm.BIAS).assign(Nd4j.rand(DataType.DOUBLE, 1, 8).subi(0.5));
            }
            INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 1, 8, 8).muli(2);
            INDArray y = Nd4j.eye(3).castTo(DataType.DOUBLE);
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {y}).epsilon(1e-6).maxRelError(1e-4)
                    // The key bias's exact gradient is 0 (it shifts every score of a query by the same
                    // amount, which the softmax cancels); finite differences leave ~1e-9 of rounding there.
                    .minAbsoluteError(1e-8)
                    // Up to 12 entries of each of the ~30 parameter arrays keeps this under a minute.
                    .subset(true).maxPerParam(12)), "gradient check, head " + (embeddings == null ? "baseline" : "text"));
        }
    }

    @Test
    void aSavedVitRestoresWithTheSameOutputs(@TempDir Path dir) throws Exception {
        ComputationGraph net = VisionTransformer.vitTiny(fashion(new float[][] {
                {1, 0}, {0, 1}, {1, 1}, {1, -1}, {2, 1}, {1, 2}, {-1, 1}, {3, 1}, {1, 3}, {-2, 1}}));
        File f = dir.resolve("vit.zip").toFile();
        ModelSerializer.writeModel(net, f, false);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(f, false);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28);
        assertEquals(net.outputSingle(false, x), back.outputSingle(false, x));
    }

    @Test
    void imagesThatAreNotWholePatchesAndBadWidthsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VisionTransformer.build(new NetSpec(1, 30, 30, 10, null, new NoOp(), 0, 1), 4, 64, 1, 4, 8));
        assertTrue(e.getMessage().contains("30x30 is not a whole number of 4x4 patches"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VisionTransformer.build(fashion(null), 4, 30, 1, 4, 8));
        assertTrue(e.getMessage().contains("multiple of the heads"), e.getMessage());
    }
}
