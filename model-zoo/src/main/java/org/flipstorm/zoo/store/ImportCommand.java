package org.flipstorm.zoo.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.FolderDataset;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.data.Normalization;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.runtime.Versions;
import org.flipstorm.zoo.train.Evaluation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code import}: makes a FlipStorm model (zip + card) from a bare DL4J model zip
 * ({@code MultiLayerNetwork} or {@code ComputationGraph}, as {@code ModelSerializer} writes it):
 * the card's weights hash, layers and input shape are derived, its test accuracy and mean golden
 * top2diff measured on the dataset's test split. An ONNX file ({@code *.onnx}) is first read into a
 * {@code ComputationGraph} by {@link OnnxImport}, a Keras HDF5 file by {@link KerasImport}.
 */
@Command(name = "import", sortOptions = false, description = "Makes a FlipStorm model (zip + card) from an ONNX"
        + " model, a Keras HDF5 model or a bare DL4J model zip (MultiLayerNetwork or ComputationGraph): derives the"
        + " card (weights hash, layers, input shape) and measures test accuracy on the dataset's test split.")
public final class ImportCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    HelpOption help;
    @Option(names = "--model", paramLabel = "FILE", required = true, description = "The model: an ONNX file"
            + " (*.onnx, e.g. from torch.onnx.export), a Keras 2 HDF5 file (*.h5, Sequential or functional)"
            + " or a bare DL4J model zip.")
    Path model;
    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "The FlipStorm model zip to write; its card goes beside it.")
    Path out;
    @Option(names = "--dataset", paramLabel = "ID", required = true,
            description = "The dataset it classifies (class names, test split): fashion-mnist, mnist, cifar10, ...,"
                    + " or folder (--data ROOT/CLASS/*.png; the classes are the folder names, sorted).")
    String dataset;
    @Option(names = "--data", paramLabel = "DIR", description = "Dataset directory (default: the bundled sample or"
            + " the dataset's system directory).")
    Path data;
    @Option(names = "--input-shape", paramLabel = "C,H,W", split = ",",
            description = "One image's shape, e.g. 3,32,32 (required for a DL4J zip; an ONNX model has its own).")
    List<Integer> inputShape;
    @Option(names = "--mean", paramLabel = "M,...", split = ",",
            description = "Per-channel mean of the [0, 1] inputs the model was trained on (with --std).")
    List<Float> mean;
    @Option(names = "--std", paramLabel = "S,...", split = ",", description = "Per-channel standard deviation.")
    List<Float> std;
    @Option(names = "--model-id", paramLabel = "ID", description = "Model id (default: the --out file name).")
    String modelId;
    @Option(names = "--architecture", paramLabel = "NAME", defaultValue = "imported",
            description = "Architecture name; models of one architecture pair up in the study comparison"
                    + " (default: ${DEFAULT-VALUE}).")
    String architecture;

    /** Entry point. */
    public static void main(String[] argv) {
        Dl4jRuntime.configure();
        Cli.main(new ImportCommand(), argv);
    }

    /** Parses {@code argv} and imports (for tests); returns the written card. */
    static ModelCard run(String... argv) throws IOException, ZooException {
        return CommandLine.populateCommand(new ImportCommand(), argv).importModel(System.out);
    }

    @Override
    public Integer call() throws IOException {
        Dl4jRuntime.requireBackend();
        try {
            importModel(System.out);
            return Cli.OK;
        } catch (ZooException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    ModelCard importModel(java.io.PrintStream log) throws IOException, ZooException {
        Model net;
        if (model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            OnnxImport.Result onnx = OnnxImport.read(model);
            List<Integer> own = java.util.Arrays.stream(onnx.inputShape()).boxed().toList();
            if (inputShape != null && !inputShape.equals(own)) {
                throw new IllegalArgumentException("--input-shape " + inputShape + " differs from the ONNX model's"
                        + " input " + own);
            }
            inputShape = own;
            net = onnx.graph();
            log.printf(Locale.ROOT, "ONNX %s: %d vertices, input %s%n", model, onnx.graph().getVertices().length, own);
        } else if (model.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(h5|hdf5|keras)$")) {
            if (inputShape == null) {
                throw new IllegalArgumentException("--input-shape C,H,W is required for a Keras model");
            }
            net = KerasImport.read(model);
        } else {
            if (inputShape == null) {
                throw new IllegalArgumentException("--input-shape C,H,W is required for a DL4J zip (an ONNX model"
                        + " carries its own)");
            }
            net = load(model);
        }
        if (inputShape.size() != 3 || inputShape.stream().anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("--input-shape " + inputShape + " must be three positive numbers C,H,W,"
                    + " e.g. 3,32,32");
        }
        if ((mean == null) != (std == null) || mean != null && (mean.size() != inputShape.get(0)
                || std.size() != inputShape.get(0))) {
            throw new IllegalArgumentException("--mean and --std go together, one value per channel ("
                    + inputShape.get(0) + ")");
        }
        boolean folder = dataset.equalsIgnoreCase(FolderDataset.ID);
        if (folder && data == null) {
            throw new IllegalArgumentException("--dataset folder needs --data ROOT (ROOT/CLASS/*.png, or"
                    + " ROOT/test/CLASS/*.png)");
        }
        List<String> classes = folder ? FolderDataset.classNames(data, "test") : Datasets.classNames(dataset);
        Normalization norm = mean == null ? null : new Normalization(floats(mean), floats(std));
        ImageSet test = Datasets.load(dataset, "test", Optional.ofNullable(data), folder ? new FolderDataset.Layout(
                inputShape.get(0), inputShape.get(1), inputShape.get(2), classes) : null);
        if (test.channels() != inputShape.get(0) || test.height() != inputShape.get(1)
                || test.width() != inputShape.get(2)) {
            throw new IllegalArgumentException("--input-shape " + inputShape + " does not match the " + dataset
                    + " images (" + test.channels() + "," + test.height() + "," + test.width() + ")");
        }
        Evaluation.Result r = Evaluation.evaluate(net, test, norm, 100);
        String id = modelId != null ? modelId : out.getFileName().toString().replaceFirst("\\.zip$", "");
        ModelCard card = new ModelCard(id, architecture, "baseline", dataset, classes, List.copyOf(inputShape),
                net.numParams(), null, r.accuracy(), test.size(), null,
                ModelStore.describeLayers(net, test.features(new int[] {0}, norm)), Versions.flipstorm(),
                Versions.dl4j(), null, norm, r.meanTop2Diff(), "imported", null, null, test.sha256());
        ModelCard written = ModelStore.save(net, card, out);
        log.printf(Locale.ROOT, "imported %s as %s: %d parameters, test accuracy %.4f on %d %s images, weights sha256"
                + " %s%n", model, out, net.numParams(), r.accuracy(), test.size(), dataset, written.weightsSha256());
        softmaxOutputWarning(net).ifPresent(log::println);
        return written;
    }

    /**
     * A warning when the model ends in a softmax output layer: its last fault site is then the
     * probabilities, where the study injects the logits.
     */
    static Optional<String> softmaxOutputWarning(Model net) {
        org.deeplearning4j.nn.conf.layers.Layer last = null;
        if (net instanceof MultiLayerNetwork mln) {
            last = mln.getLayer(mln.getnLayers() - 1).conf().getLayer();
        } else if (net instanceof ComputationGraph g) {
            String[] outs = g.getConfiguration().getNetworkOutputs().toArray(String[]::new);
            last = g.getLayer(outs[outs.length - 1]).conf().getLayer();
        }
        if (last instanceof BaseOutputLayer out && out.getActivationFn() instanceof ActivationSoftmax) {
            return Optional.of("warning: the last layer '" + last.getLayerName() + "' is a softmax output layer, so"
                    + " faults there hit probabilities, not the logits the study injects; to inject logits, end the"
                    + " model in a dense layer with identity activation followed by a LossLayer with softmax (as the"
                    + " zoo's models do), or leave that layer out of campaign.layers");
        }
        return Optional.empty();
    }

    private static Model load(Path zip) throws ZooException {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        } catch (Exception notMultiLayer) {
            try {
                return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
            } catch (Exception notGraph) {
                throw new ZooException(zip + " is not a DL4J MultiLayerNetwork or ComputationGraph zip ("
                        + String.valueOf(notGraph.getMessage()).lines().findFirst().orElse("") + ")", notGraph);
            }
        }
    }

    private static float[] floats(List<Float> v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }
}
