package org.flipstorm.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
        String sql = LayerSummary.querySql("sdc_by_bit.sql").replace("${trials}", LayerSummary.parquetSource(trialsDir));
        List<Row> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                long trials = rs.getLong("trials");
                long sdc = rs.getLong("sdc");
                out.add(new Row(rs.getString("model_id"), rs.getString("format"), rs.getInt("bit"), trials, sdc,
                        rs.getLong("non_finite"), Intervals.wilson(sdc, trials, confidence)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read trial Parquet under " + trialsDir + ": " + e.getMessage(), e);
        }
        return out;
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
