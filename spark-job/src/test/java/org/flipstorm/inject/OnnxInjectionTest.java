package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.store.OnnxImport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A bit flipped at a site of a model imported from ONNX gives what PyTorch gives with the same bit
 * flipped in the same tensor (a hook on the module that computes it, in make_fixtures.py): a
 * convolution's output, a residual add, the last linear layer; IEEE-754 float32 flips both sides.
 */
class OnnxInjectionTest {
    private static final Path FIXTURES = Path.of("../model-zoo/src/test/resources/onnx");

    @BeforeAll
    static void setUp() {
        Dl4jRuntime.configure();
    }

    private static INDArray floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return Nd4j.create(v);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-resnet", "tiny-mobilenet"})
    void aFlippedBitAtASiteGivesPyTorchsFaultyOutput(String name) throws Exception {
        JsonNode j = new ObjectMapper().readTree(FIXTURES.resolve(name + ".expected.json").toFile());
        long[] shape = new long[4];
        for (int i = 0; i < 4; i++) {
            shape[i] = j.get("input_shape").get(i).asLong();
        }
        int images = (int) shape[0];
        OnnxImport.Result imported = OnnxImport.read(FIXTURES.resolve(name + ".onnx"));
        InjectableNetwork net = InjectableNetworks.of(imported.graph());
        GoldenPass golden = net.golden(floats(j.get("input")).reshape(shape));
        int[] rows = new int[images];
        for (int r = 0; r < images; r++) {
            rows[r] = r;
        }
        for (JsonNode site : j.get("sites")) {
            String vertex = imported.vertexOfTensor().get(site.get("tensor").asText());
            int s = net.indexOf(vertex);
            assertTrue(s >= 0, vertex + " is a site of " + net.names());
            int index = site.get("index").asInt();
            int bit = site.get("bit").asInt();
            INDArray out = golden.activations()[s].dup().reshape(images, -1);
            for (int r = 0; r < images; r++) {
                float v = out.getFloat(r, index);
                out.putScalar(new long[] {r, index}, Float.intBitsToFloat(FaultOp.FLIP.apply(Float.floatToRawIntBits(v),
                        1 << bit)));
            }
            INDArray faulty = net.suffix(s, out.reshape(golden.activations()[s].shape()), golden, rows);
            INDArray expected = Transforms.softmax(floats(site.get("logits")).reshape(images, -1), true);
            double worst = 0;
            for (int i = 0; i < expected.length(); i++) {
                worst = Math.max(worst, Math.abs(faulty.getDouble(i) - expected.getDouble(i)));
            }
            assertTrue(worst < 1e-5, name + " " + vertex + " bit " + bit + ": probabilities differ by " + worst
                    + "\nDL4J " + faulty + "\nPyTorch " + expected);
            assertEquals(expected.argMax(1), faulty.argMax(1), "the same top-1 class");
        }
    }
}
