package org.flipstorm.zoo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class ModelStoreTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    private static MultiLayerNetwork net() {
        return LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 16, 1e-3, 0, 5));
    }

    private static ModelCard card(MultiLayerNetwork net) {
        return new ModelCard("m1", "lenet", "baseline", "fashion-mnist", List.of("a", "b"), List.of(1, 28, 28),
                net.numParams(), null, 0.5, 10,
                new ModelCard.Training(1, 8, "adam", 1e-3, 0, 5, 100, 1.5, 66.7),
                ModelStore.describeLayers(net, Nd4j.zeros(DataType.FLOAT, 1, 1, 28, 28)), "v", "d");
    }

    @Test
    void aSavedModelLoadsWithTheSameWeightsOutputsAndCard() throws Exception {
        MultiLayerNetwork net = net();
        Path zip = dir.resolve("m1.zip");
        ModelCard written = ModelStore.save(net, card(net), zip);
        assertEquals(64, written.weightsSha256().length());
        ModelStore.LoadedModel back = ModelStore.load(zip);
        assertEquals(written, back.card(), "the card round-trips through JSON");
        assertEquals(written.weightsSha256(), ModelStore.weightsSha256(back.network()));
        var x = Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28);
        assertEquals(net.output(x), ((MultiLayerNetwork) back.network()).output(x));
        assertEquals(7, back.card().layers().size());
        assertEquals(List.of(4L, 24L, 24L), back.card().layers().get(0).outputShape());
    }

    @Test
    void aComputationGraphRoundTripsToo() throws Exception {
        ComputationGraph graph = ResNetCifar.build(new ResNetCifar.Options(1, 16, 16, 3, 10, 0.1, 0, 3));
        ModelCard card = new ModelCard("r", "resnet8", "baseline", "cifar10", List.of("a"), List.of(3, 16, 16),
                graph.numParams(), null, 0.1, 1, null,
                ModelStore.describeLayers(graph, Nd4j.zeros(DataType.FLOAT, 1, 3, 16, 16)), "v", "d");
        Path zip = dir.resolve("r.zip");
        ModelStore.save(graph, card, zip);
        ModelStore.LoadedModel back = ModelStore.load(zip);
        assertTrue(back.network() instanceof ComputationGraph, back.network().getClass().getName());
        var x = Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16);
        assertEquals(graph.outputSingle(false, x), ((ComputationGraph) back.network()).outputSingle(false, x));
        assertEquals("stem_conv", back.card().layers().get(0).name());
    }

    @Test
    void missingCorruptAndMismatchedModelsAreReported() throws Exception {
        ModelNotFoundException nf = assertThrows(ModelNotFoundException.class,
                () -> ModelStore.load(dir.resolve("absent.zip")));
        assertTrue(nf.getMessage().contains("absent.zip does not exist"), nf.getMessage());

        MultiLayerNetwork net = net();
        Path zip = dir.resolve("m1.zip");
        ModelStore.save(net, card(net), zip);
        Path card = ModelStore.cardPath(zip);
        Files.writeString(card, Files.readString(card).replaceAll("\"weightsSha256\" : \"[0-9a-f]+\"",
                "\"weightsSha256\" : \"00\""));
        MalformedModelException mm = assertThrows(MalformedModelException.class, () -> ModelStore.load(zip));
        assertTrue(mm.getMessage().contains("do not belong together"), mm.getMessage());

        Files.write(zip, new byte[] {'P', 'K', 0, 0});
        MalformedModelException bad = assertThrows(MalformedModelException.class, () -> ModelStore.load(zip));
        assertTrue(bad.getMessage().contains("not a readable DL4J"), bad.getMessage());
    }

    @Test
    void theBundledModelLoadsAndStatesItsAccuracy() throws Exception {
        Path bundled = Path.of("models/lenet-fmnist-baseline.zip");
        ModelStore.LoadedModel m = ModelStore.load(bundled);
        assertEquals("lenet-fmnist-baseline", m.card().modelId());
        assertTrue(m.card().testAccuracy() >= 0.89, "card accuracy " + m.card().testAccuracy());
        assertEquals(10_000, m.card().testImages());
        assertTrue(Files.size(bundled) < 5_000_000, "bundled model under 5 MB");
    }
}
