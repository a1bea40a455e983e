package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flipstorm.campaign.CampaignMain;
import org.flipstorm.common.schema.TrialColumn;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer and the reader agree by more than column names: two real campaigns (the bundled
 * baseline and text-guided LeNets, 40 trials per GoldenEye site) run through the campaign command,
 * and their Parquet goes through every analysis query, with both engines, and through the
 * {@code summary}, {@code improvement} and {@code compare} commands.
 */
class RealCampaignQueriesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final int TRIALS = 40;

    @TempDir
    static Path out;

    @BeforeAll
    static void campaigns() {
        Dl4jRuntime.configure();
        for (String variant : List.of("baseline", "text")) {
            String[] argv = {ROOT.resolve("conf/local.conf").toString(),
                "--set", "campaign.name=" + variant,
                "--set", "campaign.model=" + ROOT.resolve("model-zoo/models/lenet-fmnist-" + variant + ".zip"),
                "--set", "campaign.images.path=" + ROOT.resolve("model-zoo/data/fashion-mnist-test-500"),
                "--set", "campaign.images.count=100",
                "--set", "campaign.layers=goldeneye",
                "--set", "campaign.trials-per-layer=" + TRIALS,
                "--set", "campaign.output=" + out,
                "--set", "campaign.overwrite=false"};
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = CampaignMain.run(argv, new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theFilesHoldEveryColumnOfTheSchemaWithItsType() throws Exception {
        Map<String, String> described = new LinkedHashMap<>();
        try (var c = DriverManager.getConnection("jdbc:duckdb:"); var st = c.createStatement();
             ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + out
                     + "/baseline/trials/**/*.parquet', hive_partitioning = true)")) {
            while (rs.next()) {
                described.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        for (TrialColumn col : TrialColumn.values()) {
            String expected = switch (col.type()) {
                case STRING -> "VARCHAR";
                case LONG -> "BIGINT";
                case INT -> "INTEGER";
                case FLOAT -> "FLOAT";
                case DOUBLE -> "DOUBLE";
                case BOOLEAN -> "BOOLEAN";
            };
            assertTrue(described.containsKey(col.id()), col.id() + " missing from " + described.keySet());
            if (!col.partition()) { // partition values come from directory names, typed by DuckDB's guess
                assertEquals(expected, described.get(col.id()), col.id());
            }
        }
        assertEquals(TrialColumn.values().length, described.size(), "no column beyond the schema: " + described);
    }

    @Test
    void everyQueryOfTheAnalysisRunsOnBothEnginesAndAgrees() {
        Analysis duck;
        Analysis spark;
        try (QueryEngine e = new DuckDbEngine()) {
            duck = Analysis.of(e, out, 0.99);
        }
        try (QueryEngine e = SparkEngine.create()) {
            spark = Analysis.of(e, out, 0.99);
        }
        // 5 GoldenEye sites of the baseline LeNet (conv1, conv2, fc1, logits... as its graph has them) and
        // of the text-guided one (its cosine head adds sites): every group has its 40 trials.
        assertFalse(duck.layers().isEmpty());
        duck.layers().forEach(r -> assertEquals(TRIALS, r.trials(), r.toString()));
        assertEquals(2, duck.layers().stream().map(LayerSummary.Row::modelId).distinct().count());
        assertFalse(duck.bits().isEmpty());
        assertFalse(duck.accuracy().isEmpty());
        assertFalse(duck.delta().isEmpty());
        assertFalse(duck.margin().isEmpty());
        assertFalse(duck.activations().isEmpty(), "the campaign's activation histograms");
        assertFalse(duck.improvement().isEmpty(), "baseline and text-guided pair up by architecture");
        assertEquals(1, duck.study().size(), "one text-guided vs baseline comparison");
        Table header = duck.tables().get(0);
        assertEquals("campaigns", header.name(), "the report opens with what it is about");
        assertEquals(2, header.rows().size());
        List<String> base = header.rows().get(0);
        assertEquals("lenet-fmnist-baseline", base.get(header.columns().indexOf("model_id")));
        assertEquals("0.9073", base.get(header.columns().indexOf("test_accuracy")));
        assertEquals("fp32", base.get(header.columns().indexOf("format")));
        assertEquals("goldeneye", base.get(header.columns().indexOf("sites")));
        assertEquals(Integer.toString(4 * TRIALS), base.get(header.columns().indexOf("trials")), "4 sites");
        assertFalse(base.get(header.columns().indexOf("written_at")).isEmpty());
        for (int i = 0; i < duck.tables().size(); i++) {
            Table d = duck.tables().get(i);
            Table s = spark.tables().get(i);
            assertEquals(d.name(), s.name());
            if (!d.name().equals("study_comparison")) { // bootstrap over rows read in engine order
                assertSameCells(d, s);
            }
        }
    }

    /** Equal tables; numbers may differ in the last printed digit (the engines sum in other orders). */
    private static void assertSameCells(Table a, Table b) {
        assertEquals(a.rows().size(), b.rows().size(), a.name());
        for (int r = 0; r < a.rows().size(); r++) {
            for (int c = 0; c < a.rows().get(r).size(); c++) {
                String x = a.rows().get(r).get(c);
                String y = b.rows().get(r).get(c);
                String where = a.name() + " row " + r + " column " + a.columns().get(c);
                try {
                    double dx = Double.parseDouble(x);
                    double dy = Double.parseDouble(y);
                    if (Double.isNaN(dx) || Double.isInfinite(dx)) {
                        assertEquals(x, y, where);
                    } else {
                        assertEquals(dx, dy, 1e-5 * Math.max(1e-12, Math.abs(dx)), where);
                    }
                } catch (NumberFormatException notANumber) {
                    assertEquals(x, y, where);
                }
            }
        }
    }

    @Test
    void theCommandsRunOnIt() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(text, true, StandardCharsets.UTF_8);
        assertEquals(0, SummaryMain.run(new String[] {out.toString(), "--csv",
            out.resolve("report/layer_summary.csv").toString()}, o, o), text.toString(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(out.resolve("report/report.html")));
        assertEquals(0, StudyComparisonMain.run(new String[] {out.toString(), "--csv",
            out.resolve("report/improvement.csv").toString()}, o, o), text.toString(StandardCharsets.UTF_8));
        assertEquals(0, CompareMain.run(new String[] {out.resolve("baseline").toString(),
            out.resolve("baseline").toString(), "--out", out.resolve("report").toString()}, o, o),
                text.toString(StandardCharsets.UTF_8));
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("0 regressed"), text.toString(StandardCharsets.UTF_8));
    }
}
