package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.zoo.nets.Architectures;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.nets.NetSpec;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * For every zoo architecture and every site: the engine's suffix re-run (golden reuse, only the
 * downstream vertices, golden shortcut values gathered per row) gives, bit for bit, the output of
 * an independent full forward pass over the same rows in which that site's output is overwritten.
 * The reference recomputes everything from the input with DL4J's own per-network APIs.
 */
class SuffixEquivalenceTest {
    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
        // A suffix that read an array after the engine closed it would see NaN, not stale values.
        Scratch.poisonOnClose = true;
    }

    @AfterAll
    static void noPoison() {
        Scratch.poisonOnClose = false;
    }

    @Test
    void lenetEverySite() {
        MultiLayerNetwork net = LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 32, 1e-3, 0, 11));
        checkEverySite(net, TinyNets.images(3, 21));
    }

    @Test
    void textGuidedLenetEverySite() {
        float[][] embeddings = new float[10][16];
        SplittableRandom r = new SplittableRandom(3);
        for (float[] row : embeddings) {
            for (int e = 0; e < row.length; e++) {
                row[e] = (float) r.nextGaussian();
            }
        }
        MultiLayerNetwork net = LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 32, 1e-3, 0, 11), embeddings);
        checkEverySite(net, TinyNets.images(3, 22));
    }

    @Test
    void resnet20EverySite() {
        ComputationGraph net = ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(12));
        checkEverySite(net, SuffixNoise.images(4, 3, 3, 32, 32));
    }

    static List<Arguments> zooGraphs() {
        return Architectures.ids().stream().filter(a -> !a.equals(LeNet.ARCHITECTURE))
                .flatMap(a -> java.util.stream.Stream.of(Arguments.of(a, false), Arguments.of(a, true))).toList();
    }

    /**
     * Every other architecture of the zoo, both heads: four sites spread over the backbone and the
     * last three (the head; the text-guided variant only these, its backbone being the same), so
     * the suite stays quick while each kind of vertex (depthwise convolution, dropout, projection
     * shortcuts, the text-guided head inside a graph) is crossed.
     */
    @ParameterizedTest(name = "{0} text_guided={1}")
    @MethodSource("zooGraphs")
    void everyZooGraphSampledSites(String arch, boolean textGuided) {
        Model net = zooGraph(arch, textGuided);
        checkSites(net, SuffixNoise.images(4, 3, 3, 32, 32), sampledSites(net, textGuided));
    }

    /** A zoo graph with seeded weights; text-guided from seeded random class embeddings. */
    static Model zooGraph(String arch, boolean textGuided) {
        float[][] embeddings = null;
        if (textGuided) {
            embeddings = new float[10][24];
            SplittableRandom r = new SplittableRandom(5);
            for (float[] row : embeddings) {
                for (int e = 0; e < row.length; e++) {
                    row[e] = (float) r.nextGaussian();
                }
            }
        }
        return Architectures.build(arch, NetSpec.cifar(10, embeddings, 13));
    }

    /** The last three sites, and for the baseline four more spread over the backbone. */
    static java.util.function.IntPredicate sampledSites(Model net, boolean textGuided) {
        int sites = InjectableNetworks.of(net).size();
        int stride = Math.max(1, sites / 4);
        return s -> s >= sites - 3 || !textGuided && s % stride == stride / 2;
    }

    private static void checkEverySite(Model model, INDArray images) {
        checkSites(model, images, s -> true);
    }

    static void checkSites(Model model, INDArray images, java.util.function.IntPredicate which) {
        InjectableNetwork network = InjectableNetworks.of(model);
        GoldenPass golden = network.golden(images);
        SplittableRandom r = new SplittableRandom(99);
        int[] rowImages = {0, 1, 2, 1, 0, 2};
        float[] full = network.output(images).dup('c').data().asFloat();
        for (int site = 0; site < network.size(); site++) {
            if (!which.test(site)) {
                continue;
            }
            // Weight faults re-run a layer from its golden inputs: with nothing changed, that is the full pass.
            assertArrayEquals(full, network.rerunFrom(site, golden).dup('c').data().asFloat(),
                    "rerun from " + network.names().get(site));
            INDArray act = golden.activations()[site];
            long n = golden.neurons(site);
            INDArray flat = act.reshape('c', act.size(0), n);
            // Rows 0-2: the clean images; rows 3-5: copies with one value forced (a flipped bit).
            INDArray batch = Rows.gather(flat, rowImages);
            for (int row = 3; row < rowImages.length; row++) {
                long neuron = r.nextLong(n);
                batch.putScalar(row, neuron, BitFlip.flipFp32(batch.getFloat(row, neuron), r.nextInt(32)));
            }
            long[] shape = act.shape().clone();
            shape[0] = rowImages.length;
            INDArray siteBatch = batch.reshape('c', shape);

            // Each run gets its own copy: a vertex after the site (an activation layer) may work in place.
            float[] engine = network.suffix(site, siteBatch.dup(), golden, rowImages).dup('c').data().asFloat();
            INDArray inputRows = Rows.gather(images, rowImages);
            float[] reference = reference(model, network.names().get(site), site, inputRows, siteBatch.dup())
                    .dup('c').data().asFloat();
            assertArrayEquals(reference, engine, "site " + site + " (" + network.names().get(site) + ")");
        }
    }

    /** Full forward pass over {@code input} with the output of one site replaced by {@code forced}. */
    static INDArray reference(Model model, String siteName, int siteIndex, INDArray input, INDArray forced) {
        if (model instanceof MultiLayerNetwork mln) {
            List<INDArray> acts = mln.feedForwardToLayer(siteIndex, input, false);
            assertEquals(siteIndex + 2, acts.size());
            int last = mln.getnLayers() - 1;
            if (siteIndex == last) {
                return forced;
            }
            if (siteIndex + 1 == last) {
                // activateSelectedLayers refuses a range of one layer; run the last one through its pre-processor.
                INDArray x = forced;
                var pre = mln.getLayerWiseConfigurations().getInputPreProcess(last);
                if (pre != null) {
                    x = pre.preProcess(x, (int) x.size(0), LayerWorkspaceMgr.noWorkspaces());
                }
                return mln.getLayer(last).activate(x, false, LayerWorkspaceMgr.noWorkspaces());
            }
            return mln.activateSelectedLayers(siteIndex + 1, last, forced);
        }
        ComputationGraph g = (ComputationGraph) model;
        // As ComputationGraph.output does: pre-processors read the batch size from the network input.
        g.setInputs(input);
        GraphVertex[] vertices = g.getVertices();
        INDArray[] out = new INDArray[vertices.length];
        for (int v : g.topologicalSortOrder()) {
            GraphVertex vertex = vertices[v];
            if (vertex.isInputVertex()) {
                out[v] = input;
                continue;
            }
            VertexIndices[] ins = vertex.getInputVertices();
            INDArray[] in = new INDArray[ins.length];
            for (int i = 0; i < ins.length; i++) {
                in[i] = out[ins[i].getVertexIndex()];
            }
            vertex.setInputs(in);
            if (vertex instanceof LayerVertex lv) {
                lv.applyPreprocessorAndSetInput(LayerWorkspaceMgr.noWorkspaces());
            }
            out[v] = vertex.getVertexName().equals(siteName) ? forced
                    : vertex.doForward(false, LayerWorkspaceMgr.noWorkspaces());
            vertex.clear();
        }
        return out[g.getVertex(g.getConfiguration().getNetworkOutputs().get(0)).getVertexIndex()];
    }

}
