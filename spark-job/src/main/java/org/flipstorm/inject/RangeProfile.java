package org.flipstorm.inject;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flipstorm.common.io.AtomicFiles;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.data.Normalization;
import org.flipstorm.zoo.runtime.NativeCollector;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-site activation ranges of a model over clean images: what INT8 scales and the range
 * detector are derived from. Stored beside the model as {@code NAME.ranges.json}.
 *
 * @param modelId the model's id
 * @param weightsSha256 the weights the ranges belong to
 * @param dataset dataset profiled on
 * @param split split profiled on (the study profiled on training data)
 * @param images number of images profiled
 * @param sites one entry per site, in site order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RangeProfile(String modelId, String weightsSha256, String dataset, String split, int images,
                           List<SiteRange> sites) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Copies the list. */
    public RangeProfile {
        sites = List.copyOf(sites);
    }

    /**
     * Range of one site.
     *
     * @param index site index
     * @param name site name
     * @param min smallest activation seen
     * @param max largest activation seen
     * @param maxAbs largest |activation| seen
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SiteRange(int index, String name, float min, float max, float maxAbs) {}

    /** The ranges file that belongs to a model zip. */
    public static Path pathFor(Path modelZip) {
        String name = modelZip.getFileName().toString();
        String base = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return modelZip.resolveSibling(base + ".ranges.json");
    }

    /** Max |activation| of site {@code index}. */
    public float maxAbs(int index) {
        return sites.get(index).maxAbs();
    }

    /**
     * Profiles the first {@code count} images of {@code data} in batches of {@code batch}, inputs
     * normalised by {@code norm} (the model card's; null for [0, 1] pixels).
     */
    public static RangeProfile profile(InjectableNetwork net, ImageSet data, Normalization norm, int count, int batch,
                                       String modelId, String weightsSha256) {
        if (count < 1 || count > data.size()) {
            throw new IllegalArgumentException("cannot profile " + count + " images of a set of " + data.size());
        }
        int n = net.size();
        float[] min = new float[n];
        float[] max = new float[n];
        java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        NativeCollector collector = new NativeCollector();
        for (int start = 0; start < count; start += batch) {
            int[] idx = java.util.stream.IntStream.range(start, Math.min(count, start + batch)).toArray();
            try (GoldenPass g = net.golden(data.features(idx, norm))) {
                for (int s = 0; s < n; s++) {
                    INDArray a = g.activations()[s];
                    min[s] = Math.min(min[s], a.minNumber().floatValue());
                    max[s] = Math.max(max[s], a.maxNumber().floatValue());
                }
            }
            collector.tick();
        }
        List<SiteRange> sites = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            sites.add(new SiteRange(s, net.names().get(s), min[s], max[s], Math.max(Math.abs(min[s]), Math.abs(max[s]))));
        }
        return new RangeProfile(modelId, weightsSha256, data.name(), data.split(), count, sites);
    }

    /** Writes the profile atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    /** Reads a profile written by {@link #write}. */
    public static RangeProfile read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RangeProfile.class);
    }
}
