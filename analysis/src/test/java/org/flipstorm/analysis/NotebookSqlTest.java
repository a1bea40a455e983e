package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebook's query is the file the Java analysis runs. This test reads the notebook, follows
 * the SQL file and the DuckDB table template it names, and runs exactly that over hand-made
 * Parquet: if the notebook pointed at a moved file or a query stopped working, the build fails.
 */
class NotebookSqlTest {
    private static final Path NOTEBOOK = Path.of("notebooks/explore.ipynb");

    @TempDir
    Path dir;

    @Test
    void theNotebooksSqlFileAndTemplateRunOverTrialParquet() throws Exception {
        String nb = Files.readString(NOTEBOOK);
        assertTrue(nb.contains("\"nbformat\": 4"), "a Jupyter nbformat 4 notebook");
        String sqlFile = constant(nb, "SQL_FILE");
        String template = constant(nb, "DUCKDB_SOURCE").replace("\\\"", "\"");
        Path sql = NOTEBOOK.getParent().resolve(sqlFile).normalize();
        assertTrue(Files.isRegularFile(sql), "the notebook's SQL_FILE " + sql + " exists");
        assertEquals(LayerSummary.querySql("layer_summary.sql"), Files.readString(sql),
                "the notebook runs the query the summary command runs");

        Path trials = dir.resolve("trials");
        Files.createDirectories(trials);
        HandMadeParquet.write(trials, "CREATE TABLE t AS SELECT 'm' AS model_id, l.i AS layer_index,"
                + " l.name AS layer_name, CASE WHEN r.i < l.sdc THEN 'sdc' ELSE 'masked' END AS outcome,"
                + " 0.5::FLOAT AS delta_loss FROM range(40) r(i),"
                + " (VALUES (0, 'conv1', 4), (1, 'fc1', 10)) l(i, name, sdc)");
        String query = Files.readString(sql).replace("${trials}", template.replace("{trials}", trials.toString()));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            assertTrue(rs.next());
            assertEquals("conv1", rs.getString("layer_name"));
            assertEquals(40, rs.getLong("trials"));
            assertEquals(4, rs.getLong("sdc"));
            assertTrue(rs.next());
            assertEquals(10, rs.getLong("sdc"));
        }
    }

    /** The string assigned to {@code NAME = "..."} in a code cell (its quotes are escaped in the JSON). */
    private static String constant(String notebook, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name + " = \\\"") + "(.*?)" + Pattern.quote("\\\"")).matcher(notebook);
        assertTrue(m.find(), "the notebook defines " + name);
        return m.group(1);
    }
}
