package org.flipstorm.zoo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A bare DL4J zip becomes a FlipStorm model whose card FlipStorm derived, and loads like a zoo model. */
class ImportCommandTest {
    private static final String DATA = "data/fashion-mnist-test-500";

    @TempDir
    Path dir;

    @Test
    void aBareZipGetsADerivedCardAndLoads() throws Exception {
        Dl4jRuntime.configure();
        MultiLayerNetwork net = LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 32, 1e-3, 0, 11));
        Path bare = dir.resolve("mine.zip");
        ModelSerializer.writeModel(net, bare.toFile(), false);
        Path out = dir.resolve("zoo/mine-fmnist.zip");
        ModelCard card = ImportCommand.run("--model", bare.toString(), "--out", out.toString(), "--dataset",
                "fashion-mnist", "--data", DATA, "--input-shape", "1,28,28");
        ModelStore.LoadedModel back = ModelStore.load(out);
        assertEquals(card.weightsSha256(), back.card().weightsSha256(), "the hash FlipStorm checks on load");
        assertEquals("mine-fmnist", back.card().modelId());
        assertEquals(List.of(1, 28, 28), back.card().inputShape());
        assertEquals(10, back.card().classNames().size());
        assertEquals(500, back.card().testImages());
        assertTrue(back.card().testAccuracy() >= 0 && back.card().testAccuracy() <= 1);
        assertEquals(net.getnLayers(), back.card().layers().size());
        assertEquals(net.numParams(), back.card().parameterCount());
        assertTrue(ImportCommand.softmaxOutputWarning(net).isEmpty(), "the zoo's LeNet ends in logits + loss layer");
    }

    @Test
    void anOnnxModelImportsWithItsOwnInputShapeAndKeepsItsWeightsThroughTheZip() throws Exception {
        Dl4jRuntime.configure();
        Path onnx = OnnxImportTest.FIXTURES.resolve("tiny-resnet.onnx");
        Path out = dir.resolve("zoo/tiny-resnet.zip");
        ModelCard card = ImportCommand.run("--model", onnx.toString(), "--out", out.toString(), "--dataset",
                "fashion-mnist", "--data", DATA, "--architecture", "tiny-resnet");
        assertEquals(List.of(1, 28, 28), card.inputShape(), "taken from the ONNX input");
        ModelStore.LoadedModel back = ModelStore.load(out);
        assertEquals(card.weightsSha256(), back.card().weightsSha256());
        assertTrue(back.card().layers().stream().anyMatch(l -> l.name().equals("layer2.add.Add")),
                back.card().layers().toString());
        OnnxImportTest.Fixture f = OnnxImportTest.Fixture.of("tiny-resnet");
        org.deeplearning4j.nn.graph.ComputationGraph g = (org.deeplearning4j.nn.graph.ComputationGraph) back.network();
        double err = OnnxImportTest.relativeError(g.feedForward(f.input(), false).get("fc.Gemm"), f.logits());
        assertTrue(err < 1e-4, "the saved zip still gives PyTorch's logits: " + err);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImportCommand.run("--model",
                onnx.toString(), "--out", dir.resolve("y.zip").toString(), "--dataset", "fashion-mnist", "--data",
                DATA, "--input-shape", "1,32,32"));
        assertEquals("--input-shape [1, 32, 32] differs from the ONNX model's input [1, 28, 28]", e.getMessage());
    }

    @Test
    void aSoftmaxOutputLayerIsWarnedAboutAndAWrongShapeRefused() throws Exception {
        Dl4jRuntime.configure();
        MultiLayerNetwork soft = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        soft.init();
        String warning = ImportCommand.softmaxOutputWarning(soft).orElseThrow();
        assertTrue(warning.contains("'out' is a softmax output layer") && warning.contains("logits"), warning);
        Path bare = dir.resolve("soft.zip");
        ModelSerializer.writeModel(soft, bare.toFile(), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImportCommand.run("--model",
                bare.toString(), "--out", dir.resolve("x.zip").toString(), "--dataset", "fashion-mnist", "--data", DATA,
                "--input-shape", "3,32,32"));
        assertTrue(e.getMessage().contains("does not match the fashion-mnist images (1,28,28)"), e.getMessage());
    }
}
