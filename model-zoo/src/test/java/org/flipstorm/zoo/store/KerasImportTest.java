package org.flipstorm.zoo.store;

import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_TRUNC;
import static org.bytedeco.hdf5.global.hdf5.H5F_OBJ_ALL;
import static org.bytedeco.hdf5.global.hdf5.H5F_OBJ_ATTR;
import static org.bytedeco.hdf5.global.hdf5.H5F_OBJ_DATASET;
import static org.bytedeco.hdf5.global.hdf5.H5F_OBJ_FILE;
import static org.bytedeco.hdf5.global.hdf5.H5F_OBJ_GROUP;
import static org.bytedeco.hdf5.global.hdf5.H5Fget_obj_count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.hdf5.H5File;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A channels_last Keras 2 HDF5 model (make_fixture.py: written with h5py in Keras's layout, its
 * logits computed with numpy) imports into a graph that takes NCHW images and gives those logits.
 */
class KerasImportTest {
    private static final Path FIXTURES = Path.of("src/test/resources/keras");
    private static final String DATA = "data/fashion-mnist-test-500";

    @TempDir
    Path dir;

    /** A fixture's input batch, made NCHW, and numpy's logits for it. */
    private static INDArray[] fixture(String name) throws java.io.IOException {
        JsonNode j = new ObjectMapper().readTree(FIXTURES.resolve(name + ".expected.json").toFile());
        INDArray nhwc = OnnxImportTest.floats(j.get("input")).reshape(2, 28, 28, 1);
        return new INDArray[] {nhwc.permute(0, 3, 1, 2).dup(), OnnxImportTest.floats(j.get("logits")).reshape(2, 10)};
    }

    @Test
    void aChannelsLastKerasModelGivesItsLogitsOnNchwInput() throws Exception {
        Dl4jRuntime.configure();
        INDArray[] fixture = fixture("tiny-cnn");
        INDArray nchw = fixture[0];
        INDArray expected = fixture[1];
        MultiLayerNetwork net = (MultiLayerNetwork) KerasImport.read(FIXTURES.resolve("tiny-cnn.h5"));
        List<INDArray> acts = net.feedForward(nchw, false);
        assertEquals("logits", net.getLayer(2).conf().getLayer().getLayerName());
        INDArray logits = acts.get(3); // activations: input, conv, pool, logits, softmax
        double err = OnnxImportTest.relativeError(logits, expected);
        assertTrue(err < 1e-4, "relative error " + err + "\nDL4J " + logits + "\nnumpy " + expected);
        assertEquals("softmax", net.getLayer(3).conf().getLayer().getLayerName());
        assertEquals(4, net.getnLayers());
    }

    @Test
    void aFunctionalModelWithAResidualAddAndASoftmaxHeadGivesItsLogits() throws Exception {
        Dl4jRuntime.configure();
        INDArray[] fixture = fixture("tiny-residual");
        INDArray nchw = fixture[0];
        INDArray expected = fixture[1];
        org.deeplearning4j.nn.graph.ComputationGraph g = (org.deeplearning4j.nn.graph.ComputationGraph) KerasImport
                .read(FIXTURES.resolve("tiny-residual.h5"));
        INDArray logits = g.feedForward(nchw, false).get("logits");
        double err = OnnxImportTest.relativeError(logits, expected);
        assertTrue(err < 1e-4, "relative error " + err + "\nDL4J " + logits + "\nnumpy " + expected);
        assertEquals(List.of("softmax"), g.getConfiguration().getNetworkOutputs(), "softmax moved to the loss layer");
        assertTrue(g.getVertex("add") != null, "the residual add keeps its Keras name");
    }

    /**
     * Every import closes the HDF5 file it opened, on failure too. DL4J's importers leave the file
     * open when the build fails (a functional model tried as Sequential); JavaCPP then closes it from
     * its deallocator thread while this thread reads HDF5, and the HDF5 library, not built for
     * threads, can abort the JVM (it did once in CI).
     */
    @Test
    void everyImportClosesTheHdf5FilesItOpened() throws Exception {
        Dl4jRuntime.configure();
        for (String name : List.of("tiny-cnn.h5", "tiny-residual.h5")) {
            KerasImport.read(FIXTURES.resolve(name));
            assertEquals(0, openHdf5Objects(), "HDF5 objects left open after importing " + name);
        }
        Path notKeras = Files.writeString(dir.resolve("not-a-model.h5"), "no HDF5 here");
        assertThrows(ZooException.class, () -> KerasImport.read(notKeras));
        Path emptyHdf5 = dir.resolve("empty.h5"); // HDF5, but without Keras's model_config
        new H5File(emptyHdf5.toString(), H5F_ACC_TRUNC()).deallocate();
        assertEquals(0, openHdf5Objects(), "the test's own file is closed");
        assertThrows(ZooException.class, () -> KerasImport.read(emptyHdf5));
        assertEquals(0, openHdf5Objects(), "HDF5 objects left open after a refused file");
    }

    /**
     * Files, groups, datasets and attributes open in this JVM's HDF5 library, over all files (not
     * datatypes: the library keeps its predefined ones open).
     */
    private static long openHdf5Objects() {
        return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE | H5F_OBJ_GROUP | H5F_OBJ_DATASET | H5F_OBJ_ATTR);
    }

    @Test
    void aSoftmaxDenseAtTheEndIsSplitIntoLogitsAndTheLossLayerWithTheSameOutputs() {
        Dl4jRuntime.configure();
        MultiLayerNetwork soft = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(3).list()
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().name("hidden").nIn(6).nOut(5)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().name("probs").nIn(5).nOut(4)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .build());
        soft.init();
        INDArray x = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 6);
        INDArray before = soft.output(x).dup();
        MultiLayerNetwork split = KerasImport.withLogitsHead(soft);
        assertTrue(OnnxImportTest.relativeError(split.output(x), before) < 1e-6, "same probabilities");
        assertTrue(split.getLayer(1).conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b
                && b.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationIdentity, "logits now");
        assertEquals("softmax", split.getLayer(2).conf().getLayer().getLayerName());
    }

    @Test
    void importMakesItAFlipStormModelAndRefusesWhatIsNotKeras() throws Exception {
        Dl4jRuntime.configure();
        ModelCard card = ImportCommand.run("--model", FIXTURES.resolve("tiny-cnn.h5").toString(), "--out",
                dir.resolve("k.zip").toString(), "--dataset", "fashion-mnist", "--data", DATA, "--input-shape", "1,28,28");
        assertTrue(card.layers().stream().anyMatch(l -> l.name().equals("conv")), card.layers().toString());
        assertEquals(card.weightsSha256(), ModelStore.load(dir.resolve("k.zip")).card().weightsSha256());
        Path notKeras = Files.writeString(dir.resolve("x.h5"), "no HDF5 here");
        ZooException e = assertThrows(ZooException.class, () -> KerasImport.read(notKeras));
        assertTrue(e.getMessage().startsWith("cannot import " + notKeras + " as a Keras HDF5 model (Sequential or functional)"),
                e.getMessage());
    }
}
