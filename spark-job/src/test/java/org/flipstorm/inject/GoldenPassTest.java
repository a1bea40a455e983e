package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.nets.Architectures;
import org.flipstorm.zoo.nets.CleanPass;
import org.flipstorm.zoo.nets.NetSpec;
import org.flipstorm.zoo.nets.VisionTransformer;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The golden pass holds each site's own output: the value a fault at that site flips. DL4J's
 * {@code feedForward} does not (an {@code ActivationLayer} works in place on its input in
 * inference), so every site is recomputed here from copies of its golden inputs and compared bit
 * for bit, and the network output with DL4J's own {@code output}.
 */
class GoldenPassTest {
    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    @ParameterizedTest(name = "{0} text_guided={1}")
    @MethodSource("org.flipstorm.inject.SuffixEquivalenceTest#zooGraphs")
    void everySiteOfEveryZooGraphHoldsItsOwnOutput(String arch, boolean textGuided) {
        check(SuffixEquivalenceTest.zooGraph(arch, textGuided), SuffixNoise.images(7, 3, 3, 32, 32));
    }

    @Test
    void everySiteOfLenetHoldsItsOwnOutput() {
        check(TinyNets.lenet(), TinyNets.images(3, 5));
    }

    /** The concrete case: a ReLU after a batch norm used to leave the batch norm's site without negatives. */
    @Test
    void aBatchNormBeforeAReluKeepsItsNegativeValues() {
        InjectableNetwork net = InjectableNetworks.of(Architectures.build("resnet20", NetSpec.cifar(10, null, 21)));
        GoldenPass g = net.golden(SuffixNoise.images(6, 3, 3, 32, 32));
        INDArray bn = g.activations()[net.names().indexOf("stem_bn")];
        assertTrue(bn.minNumber().doubleValue() < 0, "stem_bn min " + bn.minNumber());
        InjectableNetwork vit = InjectableNetworks.of(Architectures.build(VisionTransformer.VIT_TINY,
                NetSpec.cifar(10, null, 21)));
        GoldenPass gv = vit.golden(SuffixNoise.images(6, 2, 3, 32, 32));
        INDArray fc1 = gv.activations()[vit.names().indexOf("b1_fc1")];
        // GELU's minimum is about -0.17; a dense output below it cannot be a GELU output.
        assertTrue(fc1.minNumber().doubleValue() < -0.2, "b1_fc1 min " + fc1.minNumber());
    }

    /**
     * A closed pass gives its sites' memory back and keeps its input (the caller's); the next pass,
     * which may be handed that memory, still holds every site's own output. Poisoning the closed
     * arrays first makes a read of stale memory show as NaN rather than pass by luck.
     */
    @Test
    void aClosedPassFreesItsSitesNotItsInputAndTheNextPassIsExact() {
        for (Model model : java.util.List.of(SuffixEquivalenceTest.zooGraph("resnet20", true), TinyNets.lenet())) {
            boolean graph = model instanceof ComputationGraph;
            InjectableNetwork net = InjectableNetworks.of(model);
            INDArray first = graph ? SuffixNoise.images(3, 4, 3, 32, 32) : TinyNets.images(4, 7);
            GoldenPass pass = net.golden(first);
            for (INDArray a : pass.activations()) {
                if (a.closeable()) {
                    a.assign(Double.NaN);
                }
            }
            pass.close();
            assertTrue(java.util.Arrays.stream(pass.activations()).anyMatch(INDArray::wasClosed), "no site closed");
            assertTrue(!first.wasClosed(), "the caller's input was closed");
            check(model, graph ? SuffixNoise.images(8, 4, 3, 32, 32) : TinyNets.images(4, 9));
        }
    }

    private static void check(Model model, INDArray images) {
        InjectableNetwork net = InjectableNetworks.of(model);
        GoldenPass golden = net.golden(images);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (int s = 0; s < net.size(); s++) {
            INDArray want;
            if (model instanceof ComputationGraph g) {
                GraphVertex vertex = g.getVertex(net.names().get(s));
                VertexIndices[] ins = vertex.getInputVertices();
                INDArray[] inputs = new INDArray[ins.length];
                for (int i = 0; i < ins.length; i++) {
                    GraphVertex u = g.getVertices()[ins[i].getVertexIndex()];
                    inputs[i] = (u.isInputVertex() ? images : golden.activations()[net.names().indexOf(u.getVertexName())])
                            .dup();
                }
                want = CleanPass.vertex(vertex, inputs, mgr);
            } else {
                MultiLayerNetwork mln = (MultiLayerNetwork) model;
                INDArray x = (s == 0 ? images : golden.activations()[s - 1]).dup();
                InputPreProcessor pre = mln.getLayerWiseConfigurations().getInputPreProcess(s);
                if (pre != null) {
                    x = pre.preProcess(x, (int) x.size(0), mgr);
                }
                want = mln.getLayer(s).activate(x, false, mgr);
            }
            assertArrayEquals(want.dup('c').data().asFloat(), golden.activations()[s].dup('c').data().asFloat(),
                    "site " + net.names().get(s));
        }
        assertArrayEquals(net.output(images).dup('c').data().asFloat(),
                net.goldenOutput(golden).dup('c').data().asFloat(), "network output");
    }
}
