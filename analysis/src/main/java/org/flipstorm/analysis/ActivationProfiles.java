package org.flipstorm.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-layer activation profiles that model cards carry ({@code activationProfile}: the largest
 * |activation| of every layer over clean training images), read from the card JSON itself so that
 * the analysis needs no model code. Several models side by side are the study's attenuation
 * figure: do text-guided heads keep late layers' values smaller?
 */
final class ActivationProfiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActivationProfiles() {}

    /**
     * One model's profile.
     *
     * @param modelId the card's model id
     * @param variant baseline, text_guided, cosine_random, ...
     * @param split the images profiled (train or test)
     * @param images how many
     * @param maxAbs largest |activation| per layer name, in the network's order
     */
    record Profile(String modelId, String variant, String split, int images, Map<String, Double> maxAbs) {}

    /**
     * Reads the profile of a model card ({@code NAME.card.json}, or the model zip beside it).
     *
     * @throws IllegalArgumentException if the file is not a card or the card has no profile
     */
    static Profile read(Path file) throws IOException {
        Path card = file.toString().endsWith(".zip")
                ? file.resolveSibling(file.getFileName().toString().replaceFirst("\\.zip$", ".card.json")) : file;
        if (!Files.isRegularFile(card)) {
            throw new IllegalArgumentException(card + " does not exist; expected a model card (NAME.card.json) or"
                    + " a model zip with its card beside it");
        }
        JsonNode root;
        try {
            root = JSON.readTree(card.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(card + " is not JSON: " + e.getOriginalMessage());
        }
        JsonNode p = root == null ? null : root.get("activationProfile");
        if (root == null || !root.hasNonNull("modelId")) {
            throw new IllegalArgumentException(card + " is not a model card (no modelId)");
        }
        if (p == null || p.isNull() || !p.path("layers").isArray() || p.path("layers").isEmpty()) {
            throw new IllegalArgumentException(card + " has no activation profile; measure one with 'flipstorm card"
                    + " --model MODEL.zip'");
        }
        Map<String, Double> max = new LinkedHashMap<>();
        for (JsonNode l : p.get("layers")) {
            max.put(l.path("name").asText(), l.path("maxAbs").asDouble());
        }
        return new Profile(root.get("modelId").asText(), root.path("variant").asText("-"), p.path("split").asText(),
                p.path("images").asInt(), max);
    }

    /**
     * Every layer name of the profiles, each model's order kept: a layer only some models have goes
     * right after the layer that precedes it in its model (a text-guided head's {@code text_proj}
     * and {@code cosine} between the shared {@code pool} and {@code logits}).
     */
    static List<String> layers(List<Profile> profiles) {
        List<String> merged = new ArrayList<>();
        for (Profile p : profiles) {
            int at = -1;
            for (String name : p.maxAbs().keySet()) {
                int i = merged.indexOf(name);
                if (i >= 0) {
                    at = i;
                } else {
                    merged.add(++at, name);
                }
            }
        }
        return List.copyOf(merged);
    }

    /** One row per layer, one column per model (empty where a model has no such layer). */
    static Table table(List<Profile> profiles) {
        List<String> columns = new ArrayList<>(List.of("layer"));
        profiles.forEach(p -> columns.add(p.modelId()));
        List<List<String>> rows = new ArrayList<>();
        for (String layer : layers(profiles)) {
            List<String> row = new ArrayList<>(List.of(layer));
            for (Profile p : profiles) {
                Double v = p.maxAbs().get(layer);
                row.add(v == null ? "" : String.format(Locale.ROOT, "%.6g", v));
            }
            rows.add(row);
        }
        return new Table("activation_profile", "Largest |activation| per layer (model cards)", columns, rows);
    }
}
