package org.flipstorm.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Per-layer vulnerability of a campaign: trials, SDC rate with a Wilson interval, non-finite rate, delta loss. */
public final class LayerSummary {
    private LayerSummary() {}

    /**
     * One layer's row.
     *
     * @param modelId model id
     * @param layerIndex layer index
     * @param layerName layer name
     * @param trials trials
     * @param sdc trials whose top-1 changed
     * @param nonFinite trials whose output held NaN or Inf
     * @param meanDeltaLoss mean |delta loss| over finite trials (NaN when there are none)
     * @param sdDeltaLoss sample standard deviation of |delta loss| over finite trials (NaN below two)
     * @param sdcInterval Wilson interval of the SDC rate
     */
    public record Row(String modelId, int layerIndex, String layerName, long trials, long sdc, long nonFinite,
                      double meanDeltaLoss, double sdDeltaLoss, Intervals.Interval sdcInterval) {
        /** SDC rate. */
        public double sdcRate() {
            return sdc / (double) trials;
        }

        /** Non-finite rate. */
        public double nonFiniteRate() {
            return nonFinite / (double) trials;
        }
    }

    /** The query text with {@code ${trials}} still in it. */
    public static String querySql() {
        return querySql("layer_summary.sql");
    }

    /** A query of this package's resources ({@code org/flipstorm/analysis/NAME}), {@code ${trials}} unreplaced. */
    public static String querySql(String name) {
        String path = "/org/flipstorm/analysis/" + name;
        try (InputStream in = LayerSummary.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("query resource " + path + " missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The trials directory of a campaign: {@code dir/trials} when {@code dir} is a campaign
     * directory, else {@code dir} itself.
     */
    public static Path trialsDir(Path dir) {
        Path trials = dir.resolve("trials");
        return Files.isDirectory(trials) ? trials : dir;
    }

    /** The DuckDB table expression over every Parquet file under {@code trialsDir}. */
    public static String parquetSource(Path trialsDir) {
        String glob = trialsDir.toAbsolutePath().normalize() + "/**/*.parquet";
        return "read_parquet('" + glob.replace("'", "''") + "', hive_partitioning = true)";
    }

    /** Reads one result row into a value. */
    @FunctionalInterface
    public interface RowReader<T> {
        /** The value of the current row of {@code rs}. */
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Runs query resource {@code sqlName} over the Parquet under {@code trialsDir} with an
     * in-memory DuckDB and reads every result row.
     */
    public static <T> List<T> query(Path trialsDir, String sqlName, RowReader<T> reader) {
        return query(trialsDir, sqlName, null, reader);
    }

    /** As {@link #query(Path, String, RowReader)}, with {@code ${thresholds}} replaced by a DuckDB list literal. */
    static <T> List<T> query(Path trialsDir, String sqlName, String thresholds, RowReader<T> reader) {
        String sql = querySql(sqlName).replace("${trials}", parquetSource(trialsDir));
        if (thresholds != null) {
            sql = sql.replace("${thresholds}", thresholds);
        }
        List<T> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(reader.read(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read trial Parquet under " + trialsDir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Per model, the layer with the highest SDC rate (ties: the earlier layer). */
    public static java.util.Map<String, Row> mostCritical(List<Row> rows) {
        java.util.Map<String, Row> out = new java.util.LinkedHashMap<>();
        for (Row r : rows) {
            out.merge(r.modelId(), r, (a, b) -> b.sdcRate() > a.sdcRate() ? b : a);
        }
        return out;
    }

    /** Computes the table for the Parquet under {@code trialsDir}. */
    public static List<Row> compute(Path trialsDir, double confidence) {
        if (!Files.isDirectory(trialsDir)) {
            throw new IllegalArgumentException("trial directory " + trialsDir + " does not exist; expected a"
                    + " campaign directory (with trials/) or a trials directory of Parquet files");
        }
        return query(trialsDir, "layer_summary.sql", rs -> {
            long trials = rs.getLong("trials");
            long sdc = rs.getLong("sdc");
            double dl = rs.getDouble("mean_delta_loss");
            if (rs.wasNull()) {
                dl = Double.NaN;
            }
            double sd = rs.getDouble("sd_delta_loss");
            if (rs.wasNull()) {
                sd = Double.NaN;
            }
            return new Row(rs.getString("model_id"), rs.getInt("layer_index"), rs.getString("layer_name"), trials, sdc,
                    rs.getLong("non_finite"), dl, sd, Intervals.wilson(sdc, trials, confidence));
        });
    }
}
