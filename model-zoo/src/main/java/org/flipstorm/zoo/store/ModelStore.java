package org.flipstorm.zoo.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.flipstorm.common.io.AtomicFiles;
import org.flipstorm.zoo.nets.CleanPass;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Saves and loads models as a DL4J zip plus a JSON {@link ModelCard} beside it
 * ({@code name.zip} and {@code name.card.json}).
 *
 * <p>The weights hash is taken over the parameters (little-endian float32), not over the zip, so it
 * names the weights whatever zip tool or timestamp wrote them.
 */
public final class ModelStore {
    private ModelStore() {}

    /**
     * A loaded network with its card.
     *
     * @param network a {@link MultiLayerNetwork} or a {@link ComputationGraph}
     * @param card its card
     */
    public record LoadedModel(Model network, ModelCard card) {}

    /** The card file that belongs to a model zip. */
    public static Path cardPath(Path modelZip) {
        String name = modelZip.getFileName().toString();
        String base = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return modelZip.resolveSibling(base + ".card.json");
    }

    /**
     * Writes the network (without updater state) and its card, each atomically; the card's hash
     * is filled in from the weights.
     *
     * @return the card as written
     */
    public static ModelCard save(Model net, ModelCard card, Path modelZip) throws IOException {
        Path dir = modelZip.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        AtomicFiles.write(modelZip, tmp -> ModelSerializer.writeModel(net, tmp.toFile(), false));
        ModelCard written = card.withWeightsSha256(weightsSha256(net));
        AtomicFiles.write(cardPath(modelZip), written::write);
        return written;
    }

    /**
     * Loads a model zip and its card, and checks that the weights match the card's hash.
     *
     * @throws ModelNotFoundException the zip or its card does not exist
     * @throws MalformedModelException the zip is not a DL4J MultiLayerNetwork, or its weights do not
     *     match its card
     */
    public static LoadedModel load(Path modelZip) throws ModelNotFoundException, MalformedModelException {
        if (!Files.isRegularFile(modelZip)) {
            throw new ModelNotFoundException("model file " + modelZip + " does not exist; expected a DL4J model"
                    + " zip written by the model-zoo 'train' command");
        }
        Path cardFile = cardPath(modelZip);
        if (!Files.isRegularFile(cardFile)) {
            throw new ModelNotFoundException("model card " + cardFile + " does not exist; every model zip needs"
                    + " its card beside it (name.zip + name.card.json)");
        }
        ModelCard card;
        try {
            card = ModelCard.read(cardFile);
        } catch (IOException | RuntimeException e) {
            throw new MalformedModelException("model card " + cardFile + " is not valid JSON: " + e.getMessage(), e);
        }
        Model net;
        try {
            net = isGraph(modelZip)
                    ? ModelSerializer.restoreComputationGraph(modelZip.toFile(), false)
                    : ModelSerializer.restoreMultiLayerNetwork(modelZip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new MalformedModelException("model file " + modelZip
                    + " is not a readable DL4J model zip (MultiLayerNetwork or ComputationGraph): " + e.getMessage(), e);
        }
        String sha = weightsSha256(net);
        if (!sha.equals(card.weightsSha256())) {
            throw new MalformedModelException("weights of " + modelZip + " hash to " + sha + " but the card says "
                    + card.weightsSha256() + "; the zip and its card do not belong together", null);
        }
        return new LoadedModel(net, card);
    }

    /** True when the zip holds a ComputationGraph (its configuration has vertices). */
    private static boolean isGraph(Path modelZip) throws IOException {
        try (ZipFile zip = new ZipFile(modelZip.toFile())) {
            ZipEntry conf = zip.getEntry("configuration.json");
            if (conf == null) {
                throw new IOException("no configuration.json inside");
            }
            try (var in = zip.getInputStream(conf)) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("\"vertices\"");
            }
        }
    }

    /** SHA-256 of the network's parameters as little-endian float32, lower-case hex. */
    public static String weightsSha256(Model net) {
        INDArray params = net.params().castTo(DataType.FLOAT);
        float[] values = params.dup('c').data().asFloat();
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buf.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Layer (or vertex) descriptions for a card: name, class and per-image output shape. */
    public static List<ModelCard.LayerInfo> describeLayers(Model net, INDArray sampleInput) {
        List<ModelCard.LayerInfo> out = new ArrayList<>();
        Map<String, INDArray> acts = CleanPass.byName(net, sampleInput);
        Layer[] layers = net instanceof ComputationGraph ? null : ((MultiLayerNetwork) net).getLayers();
        int i = 0;
        for (Map.Entry<String, INDArray> e : acts.entrySet()) {
            String type;
            if (layers != null) {
                type = layers[i].getClass().getSimpleName();
            } else {
                GraphVertex vertex = ((ComputationGraph) net).getVertex(e.getKey());
                type = vertex.hasLayer() ? vertex.getLayer().getClass().getSimpleName()
                        : vertex.getClass().getSimpleName();
            }
            out.add(new ModelCard.LayerInfo(i++, e.getKey(), type, perImage(e.getValue())));
        }
        return out;
    }

    private static List<Long> perImage(INDArray act) {
        List<Long> shape = new ArrayList<>();
        for (int d = 1; d < act.rank(); d++) {
            shape.add(act.size(d));
        }
        return shape;
    }
}
