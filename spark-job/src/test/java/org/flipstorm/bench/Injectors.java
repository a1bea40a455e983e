package org.flipstorm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.flipstorm.inject.BitFlip;
import org.flipstorm.inject.Fault;
import org.flipstorm.inject.GoldenPass;
import org.flipstorm.inject.GraphStack;
import org.flipstorm.inject.InjectableNetwork;
import org.flipstorm.inject.InjectableNetworks;
import org.flipstorm.inject.InjectionEngine;
import org.flipstorm.inject.LayerStack;
import org.flipstorm.inject.Rows;
import org.flipstorm.zoo.nets.CleanPass;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.nets.NetSpec;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.nets.VisionTransformer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The three ways of running fault trials that the engine benchmark compares, over the same
 * faults: a full forward pass per trial (naive), one full forward pass per batch with one trial
 * per row (batched-naive, how hook-based PyTorch tools work), and FlipStorm's golden reuse with
 * batched suffixes.
 */
final class Injectors {
    private Injectors() {}

    /** A network, its images and, per target site, the faults to run. */
    static final class Workload {
        final InjectableNetwork network;
        final INDArray images;
        final int[] sites;
        final List<List<Fault>> faults;

        private Workload(InjectableNetwork network, INDArray images, int[] sites, List<List<Fault>> faults) {
            this.network = network;
            this.images = images;
            this.sites = sites;
            this.faults = faults;
        }

        /** The same workload restricted to its k-th target site. */
        Workload only(int k) {
            return new Workload(network, images, new int[] {sites[k]}, List.of(faults.get(k)));
        }

        Workload(String model, int images, int faultsPerSite, long seed) {
            Model m = switch (model) {
                case "lenet" -> LeNet.build(LeNet.Options.fashionMnist(1));
                case "resnet20" -> ResNetCifar.build(ResNetCifar.Options.resnet20Cifar10(1));
                case VisionTransformer.VIT_TINY -> VisionTransformer.vitTiny(
                        new NetSpec(1, 28, 28, 10, null, new Adam(1e-3), 0, 1));
                default -> throw new IllegalArgumentException("unknown model " + model);
            };
            network = InjectableNetworks.of(m);
            long[] shape = model.equals("resnet20") ? new long[] {images, 3, 32, 32} : new long[] {images, 1, 28, 28};
            this.images = org.flipstorm.zoo.data.SeededNoise.uniform(shape, seed);
            List<Integer> s = new ArrayList<>();
            for (int i = 0; i < network.size(); i++) {
                Layer l = network.layer(i);
                if (l != null && l.paramTable().containsKey("W")) {
                    s.add(i); // convolution and dense layers: the study's targets
                }
            }
            sites = s.stream().mapToInt(Integer::intValue).toArray();
            faults = new ArrayList<>();
            GoldenPass g = network.golden(Rows.gather(this.images, new int[] {0}));
            SplittableRandom r = new SplittableRandom(seed);
            for (int site : sites) {
                List<Fault> f = new ArrayList<>();
                for (int t = 0; t < faultsPerSite; t++) {
                    f.add(new Fault(t, r.nextInt(images), 0, r.nextLong(g.neurons(site)), r.nextInt(32)));
                }
                faults.add(f);
            }
        }

        int trials() {
            return faults.stream().mapToInt(List::size).sum();
        }
    }

    /** FlipStorm: one golden pass of the images, then each site's faults as batched suffixes. */
    static long flipstorm(Workload w, InjectionEngine engine) {
        GoldenPass golden = engine.golden(w.images);
        long sdc = 0;
        for (int i = 0; i < w.sites.length; i++) {
            sdc += engine.inject(golden, w.sites[i], w.faults.get(i)).stream()
                    .filter(t -> t.outcome() != org.flipstorm.inject.Outcome.MASKED).count();
        }
        return sdc;
    }

    /** Naive: a full forward pass of one image per trial, the value overwritten on the way. */
    static double naive(Workload w) {
        double sum = 0;
        for (int i = 0; i < w.sites.length; i++) {
            for (Fault f : w.faults.get(i)) {
                INDArray x = Rows.gather(w.images, new int[] {f.imageRow()});
                Fault inRow0 = new Fault(f.trialId(), 0, 0, f.neuronIndex(), f.bit());
                sum += fullPass(w.network, w.sites[i], x, List.of(inRow0)).getDouble(0, 0);
            }
        }
        return sum;
    }

    /** Batched-naive: per site, one full forward pass whose row r is trial r's image, faulted in row r. */
    static double batchedNaive(Workload w, int batch) {
        double sum = 0;
        for (int i = 0; i < w.sites.length; i++) {
            List<Fault> all = w.faults.get(i);
            for (int start = 0; start < all.size(); start += batch) {
                List<Fault> part = all.subList(start, Math.min(all.size(), start + batch));
                int[] rows = part.stream().mapToInt(Fault::imageRow).toArray();
                INDArray x = Rows.gather(w.images, rows);
                List<Fault> byRow = new ArrayList<>();
                for (int r = 0; r < part.size(); r++) {
                    Fault f = part.get(r);
                    byRow.add(new Fault(f.trialId(), r, 0, f.neuronIndex(), f.bit()));
                }
                sum += fullPass(w.network, w.sites[i], x, byRow).getDouble(0, 0);
            }
        }
        return sum;
    }

    /** One full forward pass over {@code x}; at {@code site}, row f.imageRow() gets its bit flipped. */
    static INDArray fullPass(InjectableNetwork net, int site, INDArray x, List<Fault> faults) {
        Model model = net.model();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        if (model instanceof MultiLayerNetwork mln) {
            INDArray act = mln.feedForwardToLayer(site, x, false).get(site + 1);
            corrupt(act, faults);
            return ((LayerStack) net).runFrom(site + 1, act);
        }
        ComputationGraph g = (ComputationGraph) model;
        GraphVertex[] vs = g.getVertices();
        INDArray[] out = new INDArray[vs.length];
        String siteName = net.names().get(site);
        for (int v : g.topologicalSortOrder()) {
            GraphVertex vertex = vs[v];
            if (vertex.isInputVertex()) {
                out[v] = x;
                continue;
            }
            VertexIndices[] ins = vertex.getInputVertices();
            INDArray[] in = new INDArray[ins.length];
            for (int k = 0; k < ins.length; k++) {
                in[k] = out[ins[k].getVertexIndex()];
            }
            // CleanPass gives a pre-processor the batch size itself (a ViT has one); DL4J's own
            // applyPreprocessorAndSetInput reads the graph's input, which this loop never sets.
            out[v] = CleanPass.vertex(vertex, in, mgr);
            if (vertex.getVertexName().equals(siteName)) {
                out[v] = out[v].dup();
                corrupt(out[v], faults);
            }
        }
        return out[g.getVertex(g.getConfiguration().getNetworkOutputs().get(0)).getVertexIndex()];
    }

    private static void corrupt(INDArray act, List<Fault> faults) {
        INDArray flat = act.dup('c').reshape('c', act.size(0), act.length() / act.size(0));
        for (Fault f : faults) {
            flat.putScalar(f.imageRow(), f.neuronIndex(),
                    BitFlip.flipFp32(flat.getFloat(f.imageRow(), f.neuronIndex()), f.bit()));
        }
        act.assign(flat.reshape('c', act.shape()));
    }
}
