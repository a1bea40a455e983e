package org.flipstorm.zoo.nets;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.nets.head.CosineHead;
import org.flipstorm.zoo.nets.head.LogitScale;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.train.Evaluation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ArchitecturesTest {
    /**
     * Trainable parameters for 32x32x3 input and 10 classes (batch norm as gamma and beta), from the
     * reference implementations: ResNet-18, VGG-11/16-BN and MobileNetV2 as counted by PyTorch for
     * the common CIFAR versions (torchvision's MobileNetV2 has 3,504,872 for 1,000 classes; its
     * 1280x1000 classifier becomes 1280x10). AlexNet-style, ResNet-20 and ViT-tiny are counted by hand.
     */
    private static final Map<String, Long> TRAINABLE = Map.of(
            "alexnet", 1_792L + 110_784 + 663_936 + 884_992 + 590_080 + 4_195_328 + 1_049_600 + 10_250,
            "vgg11_bn", 9_231_114L,
            "vgg16_bn", 14_728_266L,
            "resnet20", 269_722L + 512 + 2_048 + 2 * (32 + 64), // + 1x1 projections with their BN
            "resnet18", 11_173_962L,
            "mobilenetv2", 3_504_872L - 1_281_000 + 12_810,
            // patch 4*4*3*64+64, positions 64x64 tokens, 4 blocks (VisionTransformerTest), norm, logits
            "vit_tiny", 3_136L + 4_096 + 4 * 33_472 + 128 + 650);

    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    static java.util.List<String> graphArchitectures() {
        return Architectures.ids().stream().filter(a -> !a.equals(LeNet.ARCHITECTURE)).toList();
    }

    @ParameterizedTest
    @MethodSource("graphArchitectures")
    void eachArchitectureHasTheReferenceParameterCountAndClassifiesABatch(String arch) {
        ComputationGraph net = (ComputationGraph) Architectures.build(arch, NetSpec.cifar(10, null, 3));
        assertEquals(TRAINABLE.get(arch), trainable(net), arch + ": trainable parameters");
        assertNotNullLayer(net, "logits");
        INDArray out = Evaluation.output(net, Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32));
        assertArrayEquals(new long[] {2, 10}, out.shape());
        assertEquals(2.0, out.sumNumber().doubleValue(), 1e-4, "softmax rows sum to 1");
    }

    @ParameterizedTest
    @MethodSource("graphArchitectures")
    void theTextGuidedHeadAddsAProjectionAndTheClassRows(String arch) {
        float[][] emb = new float[10][16];
        for (int c = 0; c < 10; c++) {
            emb[c][c] = 2f;
            emb[c][15] = 1f;
        }
        ComputationGraph base = (ComputationGraph) Architectures.build(arch, NetSpec.cifar(10, null, 3));
        ComputationGraph text = (ComputationGraph) Architectures.build(arch, NetSpec.cifar(10, emb, 3));
        long features = base.getLayer("logits").getParam("W").size(0);
        // baseline logits F*10 + 10 are replaced by text_proj F*16 + 16, rows 10*16 and the scale s
        assertEquals(base.numParams() - (features * 10 + 10) + features * 16 + 16 + 10 * 16 + 1, text.numParams());
        assertTrue(text.getLayer("cosine").conf().getLayer() instanceof CosineHead);
        assertTrue(text.getLayer("logits").conf().getLayer() instanceof LogitScale);
        assertEquals(List.of("cosine"), List.of(text.getConfiguration().getVertexInputs().get("logits").get(0)));
        INDArray out = Evaluation.output(text, Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32));
        assertArrayEquals(new long[] {2, 10}, out.shape());
    }

    @Test
    void leNetIsBuiltThroughTheSameRegistry() {
        Model net = Architectures.build("lenet", new NetSpec(1, 28, 28, 10, null,
                new org.nd4j.linalg.learning.config.Adam(1e-3), 0, 1));
        assertTrue(net instanceof MultiLayerNetwork);
        // conv1 20*25+20, conv2 50*20*25+50, fc1 800*500+500, logits 500*10+10
        assertEquals(520 + 25_050 + 400_500 + 5_010, net.numParams());
    }

    @Test
    void unknownArchitecturesAndTooSmallInputsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.build("resnet50", NetSpec.cifar(10, null, 1)));
        assertTrue(e.getMessage().contains("resnet18"), e.getMessage());
        NetSpec tiny = new NetSpec(3, 16, 16, 10, null, new org.nd4j.linalg.learning.config.Sgd(0.1), 0, 1);
        e = assertThrows(IllegalArgumentException.class, () -> Architectures.build("vgg16_bn", tiny));
        assertTrue(e.getMessage().contains("at least 32x32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetSpec.cifar(10, new float[9][4], 1));
    }

    private static void assertNotNullLayer(ComputationGraph net, String name) {
        assertTrue(net.getLayer(name) != null, name + " missing");
    }

    /** Parameters minus batch norm's running mean and variance, which DL4J stores as parameters. */
    private static long trainable(ComputationGraph net) {
        long stats = 0;
        for (GraphVertex v : net.getVertices()) {
            if (v.hasLayer() && v.getLayer().conf().getLayer() instanceof BatchNormalization bn) {
                stats += 2 * bn.getNOut();
            }
        }
        return net.numParams() - stats;
    }
}
