package org.flipstorm.analysis;

import java.nio.file.Path;
import java.util.List;

/**
 * Accuracy against confidence, as in the study: keep only the images the clean model is at least
 * t confident about, and report their clean accuracy, the fraction kept, and the accuracy under
 * faults of the trials on them.
 */
public final class AccuracyConfidence {
    /** The thresholds used unless told otherwise. */
    public static final List<Double> DEFAULT_THRESHOLDS =
            List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99);

    private AccuracyConfidence() {}

    /**
     * One (model, threshold) row.
     *
     * @param modelId model id
     * @param threshold confidence threshold t
     * @param images images with golden confidence >= t
     * @param kept their fraction of all images of the model
     * @param cleanAccuracy clean accuracy on them
     * @param trials trials on them
     * @param faultyAccuracy accuracy of those trials' faulty predictions
     */
    public record Row(String modelId, double threshold, long images, double kept, double cleanAccuracy, long trials,
                      double faultyAccuracy) {}

    /** The table over the Parquet under {@code trialsDir}. */
    public static List<Row> compute(Path trialsDir, List<Double> thresholds) {
        try (QueryEngine duck = new DuckDbEngine()) {
            return compute(duck, trialsDir, thresholds);
        }
    }

    /** As {@link #compute(Path, List)}, with {@code engine}. */
    public static List<Row> compute(QueryEngine engine, Path trialsDir, List<Double> thresholds) {
        for (double t : thresholds) {
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException("confidence threshold " + t + " outside 0..1");
            }
        }
        return engine.query(trialsDir, "accuracy_confidence.sql",
                java.util.Map.of("thresholds_table", engine.thresholdsTable(thresholds)), rs -> new Row(rs.getString("model_id"),
                rs.getDouble("threshold"), rs.getLong("images"), rs.getDouble("kept"), rs.getDouble("clean_accuracy"),
                rs.getLong("trials"), rs.getDouble("faulty_accuracy")));
    }
}
