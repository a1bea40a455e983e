package org.flipstorm.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a report is about, from the manifests of its campaigns: which campaign, which model and how
 * accurate, which fault model, format, sites and detector, which seed, how many trials, when and
 * with what versions. One row per campaign; empty for trials without a manifest (hand-made tables).
 */
final class CampaignHeader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CampaignHeader() {}

    /** The header rows of the campaign directory {@code dir}, or of every campaign directly under it. */
    static Table table(Path dir) {
        List<List<String>> rows = new ArrayList<>();
        for (Path manifest : manifests(dir)) {
            try {
                rows.add(row(JSON.readTree(manifest.toFile())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + manifest, e);
            }
        }
        return new Table("campaigns", "What these results are: one row per campaign, from its manifest", List.of(
                "campaign_id", "status", "model_id", "variant", "test_accuracy", "format", "fault_model", "target",
                "sites", "range_detector", "sampling", "seed", "trials", "written_at", "flipstorm", "dl4j", "spark"),
                rows);
    }

    private static List<String> row(JsonNode m) {
        JsonNode spec = m.path("spec");
        JsonNode card = m.path("model_card");
        JsonNode sampling = spec.path("sampling");
        List<String> layers = new ArrayList<>();
        spec.path("layers").forEach(l -> layers.add(l.asText()));
        return List.of(m.path("campaign_id").asText(), m.path("status").asText(), card.path("modelId").asText(),
                card.path("variant").asText(), card.has("testAccuracy")
                        ? String.format(Locale.ROOT, "%.4f", card.path("testAccuracy").asDouble()) : "",
                spec.path("format").asText(), spec.path("faultModel").asText(), spec.path("target").asText(),
                String.join(" ", layers), spec.path("rangeDetector").asText().toLowerCase(Locale.ROOT),
                sampling.path("target").asText() + "/" + sampling.path("eligible").asText()
                        + (sampling.path("holdout").asDouble(1) < 1 ? "/holdout " + sampling.path("holdout").asText() : ""),
                spec.path("seed").asText(), m.has("trials") ? m.path("trials").asText()
                        : m.path("planned_trials").asText() + " planned",
                m.path("written_at").asText(""), m.path("flipstorm_version").asText(), m.path("dl4j_version").asText(),
                m.path("spark_version").asText());
    }

    private static List<Path> manifests(Path dir) {
        if (Files.isRegularFile(dir.resolve("manifest.json"))) {
            return List.of(dir.resolve("manifest.json"));
        }
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.sorted().map(c -> c.resolve("manifest.json")).filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
