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
import java.util.stream.DoubleStream;

/** Embedded DuckDB, in memory: no server, reads the Parquet files where they are. */
public final class DuckDbEngine implements QueryEngine {
    @Override
    public String id() {
        return "duckdb";
    }

    private boolean allowPartial;

    @Override
    public void allowPartial(boolean allow) {
        allowPartial = allow;
    }

    @Override
    public boolean partialAllowed() {
        return allowPartial;
    }

    @Override
    public String trialsSource(Path trialsDir) {
        CommittedData.Selection sel = CommittedData.select(trialsDir, allowPartial);
        if (sel.files() != null) {
            String files = sel.files().stream().map(f -> "'" + f.toString().replace("'", "''") + "'")
                    .collect(java.util.stream.Collectors.joining(", "));
            return "read_parquet([" + files + "], hive_partitioning = true, union_by_name = true)";
        }
        String globs = QueryEngine.roots(trialsDir).stream()
                .map(r -> "'" + (r + "/**/*.parquet").replace("'", "''") + "'")
                .collect(java.util.stream.Collectors.joining(", "));
        // union_by_name: campaigns written with trial schema 1 lack the columns schema 2 added (read as NULL).
        return "read_parquet([" + globs + "], hive_partitioning = true, union_by_name = true)";
    }

    @Override
    public String thresholdsTable(List<Double> values) {
        return "(SELECT unnest([" + QueryEngine.literals(values, "") + "]) AS threshold)";
    }

    @Override
    public String quantiles(String column, double[] probabilities) {
        return "quantile_cont(" + column + ", [" + QueryEngine.literals(DoubleStream.of(probabilities).boxed().toList(), "")
                + "])";
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

    /** The current row of a JDBC result set; SQL errors become unchecked. */
    private record JdbcRow(ResultSet rs) implements ResultRow {
        private interface Read<T> {
            T get() throws SQLException;
        }

        private static <T> T read(Read<T> r) {
            try {
                return r.get();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read a DuckDB result: " + e.getMessage(), e);
            }
        }

        @Override
        public String getString(String column) {
            return read(() -> rs.getString(column));
        }

        @Override
        public long getLong(String column) {
            return read(() -> rs.getLong(column));
        }

        @Override
        public double getDouble(String column) {
            return read(() -> {
                double v = rs.getDouble(column);
                return rs.wasNull() ? Double.NaN : v;
            });
        }

        @Override
        public double[] getDoubleArray(String column) {
            Object[] q = read(() -> {
                Array a = rs.getArray(column);
                return a == null ? new Object[0] : (Object[]) a.getArray();
            });
            return QueryEngine.toDoubles(java.util.Arrays.asList(q));
        }
    }
}
