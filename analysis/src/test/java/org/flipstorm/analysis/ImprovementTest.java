package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flipstorm.common.stats.Intervals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImprovementTest {
    @TempDir
    Path dir;

    @Test
    void katzIntervalMatchesHandComputedValues() {
        // RR = (10/1000)/(2/1000) = 5; SE(ln RR) = sqrt(1/10 - 1/1000 + 1/2 - 1/1000) = 0.77330;
        // 5 * exp(-+1.959964 * 0.77330) = [1.0984, 22.760].
        Intervals.Interval i = Improvement.katz(10, 1000, 2, 1000, 0.95);
        assertEquals(1.0984, i.low(), 1e-3);
        assertEquals(22.760, i.high(), 1e-2);
        // A zero count: 0.5 added to every count -> RR = (8.5/400.5)/(0.5/400.5) = 17,
        // SE = sqrt(1/8.5 - 1/400.5 + 1/0.5 - 1/400.5) = 1.45350 -> [0.98453, 293.540].
        Intervals.Interval z = Improvement.katz(8, 400, 0, 400, 0.95);
        assertEquals(0.98453, z.low(), 1e-4);
        assertEquals(293.540, z.high(), 1e-2);
        assertThrows(IllegalArgumentException.class, () -> Improvement.katz(5, 4, 1, 4, 0.95));
    }

    @Test
    void layersArePairedByArchitectureAndTheHeadlinesFollowTheStudy() throws Exception {
        Path trials = Files.createDirectories(dir.resolve("trials"));
        // conv1: baseline 20/100 sdc, text-guided 10/100 -> 2.0; logits: 30/100 vs 5/100 -> 6.0.
        // The text-guided model's extra 'features' layer shifts its logits to index 6: layers
        // pair by name. A layer or an architecture with one variant only is left out.
        HandMadeParquet.write(trials,
            "CREATE TABLE t AS SELECT architecture, model_id, variant, layer_index, layer_name,"
                + " CASE WHEN i < s THEN 'sdc' ELSE 'masked' END AS outcome FROM (VALUES"
                + " ('lenet', 'lenet-b', 'baseline', 0, 'conv1', 20), ('lenet', 'lenet-t', 'text_guided', 0, 'conv1', 10),"
                + " ('lenet', 'lenet-b', 'baseline', 5, 'logits', 30), ('lenet', 'lenet-t', 'text_guided', 6, 'logits', 5),"
                + " ('lenet', 'lenet-t', 'text_guided', 5, 'features', 7),"
                + " ('vgg', 'vgg-b', 'baseline', 0, 'c', 50)) v(architecture, model_id, variant, layer_index,"
                + " layer_name, s), range(100) r(i)");
        List<Improvement.Row> rows = Improvement.compute(trials, 0.99);
        assertEquals(2, rows.size());
        assertEquals("conv1", rows.get(0).layerName());
        assertEquals(2.0, rows.get(0).ratio(), 1e-12);
        assertEquals(6.0, rows.get(1).ratio(), 1e-12);
        assertEquals(Improvement.katz(30, 100, 5, 100, 0.99), rows.get(1).interval());
        double[] headline = Improvement.headline(rows, "lenet");
        assertEquals(6.0, headline[0], 1e-12, "last layer");
        assertEquals(4.0, headline[1], 1e-12, "mean over layers");
        assertThrows(IllegalArgumentException.class, () -> Improvement.headline(rows, "vgg"));
    }

    @Test
    void aDirectoryOfCampaignsReadsEachCampaignsTrialsAndNotItsActivations() throws Exception {
        // campaigns/<name>/trials and campaigns/<name>/activations, as the job writes them: the
        // activation histograms are another table and must not be read as trials.
        Path campaigns = dir.resolve("campaigns");
        HandMadeParquet.write(Files.createDirectories(campaigns.resolve("base/trials")),
            "CREATE TABLE t AS SELECT 'lenet' AS architecture, 'lenet-b' AS model_id, 'baseline' AS variant,"
                + " 0 AS layer_index, 'conv1' AS layer_name, CASE WHEN i < 20 THEN 'sdc' ELSE 'masked' END AS outcome"
                + " FROM range(100) r(i)");
        HandMadeParquet.write(Files.createDirectories(campaigns.resolve("text/trials")),
            "CREATE TABLE t AS SELECT 'lenet' AS architecture, 'lenet-t' AS model_id, 'text_guided' AS variant,"
                + " 0 AS layer_index, 'conv1' AS layer_name, CASE WHEN i < 5 THEN 'sdc' ELSE 'masked' END AS outcome"
                + " FROM range(100) r(i)");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             java.sql.Statement st = c.createStatement()) {
            Files.createDirectories(campaigns.resolve("base/activations"));
            st.execute("COPY (SELECT 1 AS bin, 2.0 AS low) TO '" + campaigns.resolve("base/activations/part-0.parquet")
                    + "' (FORMAT PARQUET)");
        }
        for (QueryEngine engine : List.of(new DuckDbEngine(), SparkEngine.create())) {
            try (engine) {
                List<Improvement.Row> rows = Improvement.compute(engine, LayerSummary.trialsDir(campaigns), 0.99);
                assertEquals(1, rows.size(), engine.id());
                assertEquals(4.0, rows.get(0).ratio(), 1e-12, engine.id());
            }
        }
    }
}
