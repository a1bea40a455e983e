package org.flipstorm.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
        return LayerSummary.query(trialsDir, "sdc_by_bit.sql", rs -> {
            long trials = rs.getLong("trials");
            long sdc = rs.getLong("sdc");
            return new Row(rs.getString("model_id"), rs.getString("format"), rs.getInt("bit"), trials, sdc,
                    rs.getLong("non_finite"), Intervals.wilson(sdc, trials, confidence));
        });
    }

    /** Writes the table as CSV. */
    public static void writeCsv(List<Row> rows, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("model_id,format,bit,trials,sdc,sdc_rate,sdc_ci_low,sdc_ci_high,non_finite");
        for (Row r : rows) {
            lines.add(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%.6f,%.6f,%.6f,%d", r.modelId(), r.format(), r.bit(),
                    r.trials(), r.sdc(), r.sdcRate(), r.sdcInterval().low(), r.sdcInterval().high(), r.nonFinite()));
        }
        Files.write(file, lines);
    }
}
