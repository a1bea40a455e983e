package org.flipstorm.zoo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX models exported by PyTorch (fixtures of src/test/resources/onnx/make_fixtures.py: a small
 * ResNet with batch norm, max pooling, a strided shortcut and dropout; a small MobileNet with a
 * depthwise convolution, ReLU6, average pooling and a concatenation) import into graphs that
 * reproduce PyTorch's logits.
 */
class OnnxImportTest {
    static final Path FIXTURES = Path.of("src/test/resources/onnx");

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        Dl4jRuntime.configure();
    }

    /** A fixture's expected values. */
    record Fixture(OnnxImport.Result imported, INDArray input, INDArray logits, JsonNode json) {
        static Fixture of(String name) throws Exception {
            JsonNode j = new ObjectMapper().readTree(FIXTURES.resolve(name + ".expected.json").toFile());
            long[] shape = new long[j.get("input_shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = j.get("input_shape").get(i).asLong();
            }
            return new Fixture(OnnxImport.read(FIXTURES.resolve(name + ".onnx")), floats(j.get("input")).reshape(shape),
                    floats(j.get("logits")).reshape(shape[0], j.get("classes").asLong()), j);
        }
    }

    static INDArray floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return Nd4j.create(v);
    }

    /** Largest |a - b| / max(|b|, 1). */
    static double relativeError(INDArray a, INDArray b) {
        double worst = 0;
        float[] x = a.dup().data().asFloat();
        float[] y = b.dup().data().asFloat();
        assertEquals(y.length, x.length);
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(Math.abs(y[i]), 1));
        }
        return worst;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-resnet", "tiny-mobilenet"})
    void theImportedGraphGivesPyTorchsLogits(String name) throws Exception {
        Fixture f = Fixture.of(name);
        Map<String, INDArray> acts = f.imported().graph().feedForward(f.input(), false);
        INDArray logits = acts.get(f.imported().vertexOfTensor().get("logits"));
        double err = relativeError(logits, f.logits());
        assertTrue(err < 1e-4, name + ": relative error " + err + "\nDL4J " + logits + "\nPyTorch " + f.logits());
        for (JsonNode site : f.json().get("sites")) {
            assertTrue(f.imported().vertexOfTensor().containsKey(site.get("tensor").asText()),
                    "fault site " + site.get("tensor") + " has a vertex: " + f.imported().vertexOfTensor().keySet());
        }
        assertEquals("softmax", f.imported().graph().getConfiguration().getNetworkOutputs().get(0));
    }

    @Test
    void anUnsupportedOperatorIsNamedWithItsNode() throws Exception {
        Path file = dir.resolve("sigmoid.onnx");
        onnx.Onnx.ModelProto m = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve("tiny-resnet.onnx")));
        onnx.Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
        g.setNode(2, g.getNode(2).toBuilder().setOpType("Sigmoid").clearAttribute());
        Files.write(file, m.toBuilder().setGraph(g).build().toByteArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxImport.read(file));
        assertTrue(e.getMessage().startsWith("cannot import Sigmoid node '" + g.getNode(2).getName()
                + "': the operator is not supported; FlipStorm imports Conv,"), e.getMessage());
    }

    @Test
    void aFileThatIsNotOnnxIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("x.onnx"), "not a model at all");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxImport.read(file));
        assertTrue(e.getMessage().contains("x.onnx is not an ONNX model") || e.getMessage().contains("holds no ONNX"),
                e.getMessage());
    }
}
