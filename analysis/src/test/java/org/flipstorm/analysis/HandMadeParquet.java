package org.flipstorm.analysis;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Writes small trial tables with known answers as Parquet, hive-partitioned as the Spark job writes them. */
final class HandMadeParquet {
    private HandMadeParquet() {}

    /**
     * Runs {@code statements} (the first one creates table {@code t}) in an in-memory DuckDB and
     * writes {@code t} under {@code trials}, partitioned by model_id and layer_name.
     */
    static void write(Path trials, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
            st.execute("COPY t TO '" + trials + "' (FORMAT PARQUET, PARTITION_BY (model_id, layer_name))");
        }
    }
}
