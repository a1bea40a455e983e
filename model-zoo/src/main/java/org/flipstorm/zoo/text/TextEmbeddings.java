package org.flipstorm.zoo.text;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flipstorm.common.io.AtomicFiles;

/**
 * Class embeddings from descriptions: each description is embedded by all-MiniLM-L6-v2 (384
 * values, unit norm, run offline through ONNX inside the JVM), and a class's embeddings are
 * averaged into one row. Rows are cached in a file keyed by encoder id and descriptions hash.
 */
public final class TextEmbeddings {
    /** Encoder id, part of every cache key. */
    public static final String ENCODER_ID = "all-minilm-l6-v2/langchain4j-1.19.0-beta29";
    /** Width of the encoder's embeddings. */
    public static final int DIMENSIONS = 384;

    private TextEmbeddings() {}

    /** One averaged row per class of {@code classNames}, in that order. */
    public static float[][] embed(ClassDescriptions descriptions, List<String> classNames) {
        descriptions.checkCovers(classNames, 1);
        EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
        float[][] rows = new float[classNames.size()][DIMENSIONS];
        for (int c = 0; c < classNames.size(); c++) {
            List<String> texts = descriptions.descriptions().get(classNames.get(c));
            for (String t : texts) {
                float[] v = model.embed(t).content().vector();
                for (int k = 0; k < DIMENSIONS; k++) {
                    rows[c][k] += v[k] / texts.size();
                }
            }
        }
        return rows;
    }

    /**
     * As {@link #embed}, read from {@code cacheDir} when a file for this encoder and these
     * descriptions exists, written there otherwise.
     */
    public static float[][] embedCached(ClassDescriptions descriptions, List<String> classNames, Path cacheDir)
            throws IOException {
        String key = (ENCODER_ID + "-" + descriptions.sha256() + "-" + String.join("|", classNames).hashCode())
                .replaceAll("[^A-Za-z0-9.-]", "_");
        Path file = cacheDir.resolve(key + ".f32");
        int n = classNames.size();
        if (Files.isRegularFile(file) && Files.size(file) == (long) n * DIMENSIONS * Float.BYTES) {
            java.nio.FloatBuffer fb = java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).asFloatBuffer();
            float[][] rows = new float[n][DIMENSIONS];
            for (float[] row : rows) {
                fb.get(row);
            }
            return rows;
        }
        float[][] rows = embed(descriptions, classNames);
        Files.createDirectories(cacheDir);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(n * DIMENSIONS * Float.BYTES);
        for (float[] row : rows) {
            for (float v : row) {
                bb.putFloat(v);
            }
        }
        AtomicFiles.write(file, tmp -> Files.write(tmp, bb.array()));
        return rows;
    }

    /** Mean cosine similarity over all pairs of rows (lower: better separated classes). */
    public static double meanPairwiseCosine(float[][] rows) {
        double sum = 0;
        int pairs = 0;
        for (int a = 0; a < rows.length; a++) {
            for (int b = a + 1; b < rows.length; b++) {
                sum += cosine(rows[a], rows[b]);
                pairs++;
            }
        }
        return sum / pairs;
    }

    static double cosine(float[] x, float[] y) {
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += (double) x[i] * y[i];
            nx += (double) x[i] * x[i];
            ny += (double) y[i] * y[i];
        }
        return dot / Math.sqrt(nx * ny);
    }
}
