package org.flipstorm.zoo.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.cli.ModelCommand;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.nets.Architectures;
import org.flipstorm.zoo.nets.Heads;
import org.flipstorm.zoo.nets.NetSpec;
import org.flipstorm.zoo.nets.head.TextGuidedHead;
import org.flipstorm.zoo.nets.head.TextGuidedHeadParams;
import org.flipstorm.zoo.train.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code migrate-head}: rewrites a zoo model whose text-guided head is the one-layer
 * {@link TextGuidedHead} ({@code logits} = exp(s) * cosine) into the split form
 * ({@code cosine}, then {@code logits} = exp(s) times it), so that the value before the scale
 * is a fault site. Same parameters, same outputs: the model is written only if its outputs on
 * {@code --check} images of the test split are equal bit for bit; its card gets the new layer
 * list and weights hash, everything else is kept.
 */
@Command(name = "migrate-head", sortOptions = false, description = "Rewrites a zoo model whose text-guided head is"
        + " one layer into the split form (cosine, then logits = exp(s) times it), writing it only if its outputs stay"
        + " equal bit for bit on the checked test images.")
public final class MigrateHead extends ModelCommand {
    @Option(names = "--check", paramLabel = "N", defaultValue = "1000",
            description = "Test images whose outputs must stay equal bit for bit (default: ${DEFAULT-VALUE}).")
    int check;

    /** Entry point. */
    public static void main(String[] argv) {
        launch(new MigrateHead(), argv);
    }

    @Override
    protected int run() throws IOException, ZooException {
        try {
            Path zip = model;
            ModelStore.LoadedModel m = ModelStore.load(zip);
            ImageSet test = Datasets.load(m.card().dataset(), "test", dataDir(), m.card().imageLayout());
            int checked = Math.min(check, test.size());
            Model split = migrate(m);
            assertSameOutputs(m.network(), split, test, checked, m.card());
            ModelCard card = withLayers(m.card(), ModelStore.describeLayers(split,
                    test.features(new int[] {0}, m.card().inputNormalization())));
            ModelCard written = ModelStore.save(split, card, zip);
            System.out.printf(Locale.ROOT, "migrated %s: head split into '%s' and 'logits', outputs on %d test images"
                    + " equal bit for bit, weights sha256 %s%n", zip, Heads.COSINE, checked, written.weightsSha256());
            return Cli.OK;
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The split-head version of {@code old}, built by the zoo from its card, with every parameter
     * (batch-norm statistics included) copied by layer name.
     *
     * @throws IllegalArgumentException if the model has no one-layer text-guided head
     */
    public static Model migrate(ModelStore.LoadedModel old) {
        Layer head = layerNamed(old.network(), "logits");
        if (head == null || !(head.conf().getLayer() instanceof TextGuidedHead oldHead)) {
            throw new IllegalArgumentException("model " + old.card().modelId() + " has no one-layer text-guided head"
                    + " named 'logits'; nothing to migrate");
        }
        ModelCard card = old.card();
        int classes = card.classNames().size();
        float[] flat = oldHead.getClassEmbeddings();
        float[][] rows = new float[classes][];
        int e = flat.length / classes;
        for (int c = 0; c < classes; c++) {
            rows[c] = Arrays.copyOfRange(flat, c * e, (c + 1) * e);
        }
        NetSpec spec = new NetSpec(card.inputShape().get(0), card.inputShape().get(1), card.inputShape().get(2),
                classes, rows, ((BaseLayer) oldHead).getIUpdater(), card.training().weightDecay(),
                card.training().seed());
        Model split = Architectures.build(card.architecture(), spec);
        for (Layer layer : layers(split)) {
            String name = layer.conf().getLayer().getLayerName();
            if (layer.numParams() == 0) {
                continue;
            }
            if (name.equals(Heads.COSINE)) {
                layer.getParam(TextGuidedHeadParams.WEIGHTS).assign(head.getParam(TextGuidedHeadParams.WEIGHTS));
            } else if (name.equals("logits")) {
                layer.getParam(TextGuidedHeadParams.LOG_SCALE).assign(head.getParam(TextGuidedHeadParams.LOG_SCALE));
            } else {
                Layer from = layerNamed(old.network(), name);
                if (from == null || from.numParams() != layer.numParams()) {
                    throw new IllegalStateException("layer '" + name + "' of the rebuilt " + card.architecture()
                            + " has no counterpart of the same size in " + card.modelId());
                }
                layer.setParams(from.params());
            }
        }
        return split;
    }

    private static void assertSameOutputs(Model a, Model b, ImageSet test, int count, ModelCard card) {
        for (int start = 0; start < count; start += 250) {
            int[] idx = java.util.stream.IntStream.range(start, Math.min(count, start + 250)).toArray();
            INDArray x = test.features(idx, card.inputNormalization());
            float[] oa = Evaluation.output(a, x).data().asFloat();
            float[] ob = Evaluation.output(b, x).data().asFloat();
            if (!Arrays.equals(oa, ob)) {
                throw new IllegalStateException("the split head's outputs differ from the original's on test images "
                        + start + ".." + (idx[idx.length - 1]) + "; model left unchanged");
            }
        }
    }

    private static ModelCard withLayers(ModelCard c, java.util.List<ModelCard.LayerInfo> layers) {
        return new ModelCard(c.modelId(), c.architecture(), c.variant(), c.dataset(), c.classNames(), c.inputShape(),
                c.parameterCount(), c.weightsSha256(), c.testAccuracy(), c.testImages(), c.training(), layers,
                c.flipstormVersion(), c.dl4jVersion(), c.textGuidance(), c.inputNormalization(),
                c.meanGoldenTop2Diff(), c.recipe(), c.logitScale(), c.activationProfile(), c.testSetSha256());
    }

    private static Layer layerNamed(Model m, String name) {
        for (Layer l : layers(m)) {
            if (name.equals(l.conf().getLayer().getLayerName())) {
                return l;
            }
        }
        return null;
    }

    private static Layer[] layers(Model m) {
        return m instanceof ComputationGraph g ? g.getLayers() : ((MultiLayerNetwork) m).getLayers();
    }

}
