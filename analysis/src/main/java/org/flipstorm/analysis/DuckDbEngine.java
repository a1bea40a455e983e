package org.flipstorm.analysis;

import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;

/** Embedded DuckDB, in memory: no server, reads the Parquet files where they are. */
public final class DuckDbEngine implements QueryEngine {
    @Override
    public String id() {
        return "duckdb";
    }

    @Override
    public String trialsSource(Path trialsDir) {
        String glob = trialsDir.toAbsolutePath().normalize() + "/**/*.parquet";
        return "read_parquet('" + glob.replace("'", "''") + "', hive_partitioning = true)";
    }

    @Override
    public String thresholdsTable(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.6f", v))
                .collect(Collectors.joining(", ", "(SELECT unnest([", "]) AS threshold)"));
    }

    @Override
    public String quantiles(String column, double[] probabilities) {
        return DoubleStream.of(probabilities).mapToObj(p -> String.format(Locale.ROOT, "%.6f", p))
                .collect(Collectors.joining(", ", "quantile_cont(" + column + ", [", "])"));
    }

    @Override
    public <T> List<T> execute(String sql, RowReader<T> reader) {
        List<T> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            ResultRow row = new JdbcRow(rs);
            while (rs.next()) {
                out.add(reader.read(row));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB query failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** The current row of a JDBC result set. */
    private record JdbcRow(ResultSet rs) implements ResultRow {
        @Override
        public String getString(String column) {
            try {
                return rs.getString(column);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public long getLong(String column) {
            try {
                return rs.getLong(column);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public double getDouble(String column) {
            try {
                double v = rs.getDouble(column);
                return rs.wasNull() ? Double.NaN : v;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public double[] getDoubleArray(String column) {
            try {
                Array a = rs.getArray(column);
                if (a == null) {
                    return new double[0];
                }
                Object[] q = (Object[]) a.getArray();
                double[] v = new double[q.length];
                for (int i = 0; i < q.length; i++) {
                    v[i] = q[i] == null ? Double.NaN : ((Number) q[i]).doubleValue();
                }
                return v;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
