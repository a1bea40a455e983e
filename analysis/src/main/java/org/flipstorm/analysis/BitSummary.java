package org.flipstorm.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flipstorm.common.stats.Intervals;

/** SDC rate by number format and bit position, per model, with Wilson intervals. */
public final class BitSummary {
    private BitSummary() {}

    /**
     * One (model, format, bit) row.
     *
     * @param modelId model id
     * @param format number format
     * @param bit bit position
     * @param trials trials
     * @param sdc SDC count
     * @param nonFinite non-finite count
     * @param sdcInterval Wilson interval of the SDC rate
     */
    public record Row(String modelId, String format, int bit, long trials, long sdc, long nonFinite,
                      Intervals.Interval sdcInterval) {
        /** SDC rate. */
        public double sdcRate() {
            return sdc / (double) trials;
        }
    }

    /** The table for the Parquet under {@code trialsDir}. */
    public static List<Row> compute(Path trialsDir, double confidence) {
        try (QueryEngine duck = new DuckDbEngine()) {
            return compute(duck, trialsDir, confidence);
        }
    }

    /** As {@link #compute(Path, double)}, with {@code engine}. */
    public static List<Row> compute(QueryEngine engine, Path trialsDir, double confidence) {
        return engine.query(trialsDir, "sdc_by_bit.sql", java.util.Map.of(), rs -> {
            long trials = rs.getLong("trials");
            long sdc = rs.getLong("sdc");
            return new Row(rs.getString("model_id"), rs.getString("format"), rs.getInt("bit"), trials, sdc,
                    rs.getLong("non_finite"), Intervals.wilson(sdc, trials, confidence));
        });
    }
}
