package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flipstorm.common.stats.Intervals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-layer table from a small hand-made Parquet campaign whose answers are known. */
class LayerSummaryTest {
    @TempDir
    static Path dir;

    /**
     * Layer conv1 (index 0): 4 trials, 1 sdc, 1 non_finite (delta NaN), deltas 0.5, 1.5, 1.0 -> mean 1.0.
     * Layer logits (index 5): 2 trials, 2 sdc, deltas 2 and 4 -> mean 3.
     * Written hive-partitioned by model_id and layer_name, as the Spark job writes it.
     */
    @BeforeAll
    static void writeParquet() throws Exception {
        Path trials = dir.resolve("camp").resolve("trials");
        Files.createDirectories(trials);
        HandMadeParquet.write(trials,
                "CREATE TABLE t AS SELECT * FROM (VALUES "
                    + "('c', 1::BIGINT, 'm', 0, 'conv1', 'masked', 0.5::FLOAT, 'fp32', 3),"
                    + "('c', 2::BIGINT, 'm', 0, 'conv1', 'sdc', 1.5::FLOAT, 'fp32', 30),"
                    + "('c', 3::BIGINT, 'm', 0, 'conv1', 'masked', 1.0::FLOAT, 'fp32', 3),"
                    + "('c', 4::BIGINT, 'm', 0, 'conv1', 'non_finite', 'NaN'::FLOAT, 'fp32', 30),"
                    + "('c', 5::BIGINT, 'm', 5, 'logits', 'sdc', 2.0::FLOAT, 'fp32', 30),"
                    + "('c', 6::BIGINT, 'm', 5, 'logits', 'sdc', 4.0::FLOAT, 'fp32', 31)"
                    + ") v(campaign_id, trial_id, model_id, layer_index, layer_name, outcome, delta_loss, format, bit)",
                "ALTER TABLE t ADD COLUMN image_index INTEGER DEFAULT 0",
                "ALTER TABLE t ADD COLUMN label INTEGER DEFAULT 1",
                "ALTER TABLE t ADD COLUMN golden_top1 INTEGER DEFAULT 1",
                "ALTER TABLE t ADD COLUMN golden_confidence FLOAT DEFAULT 0.7",
                "ALTER TABLE t ADD COLUMN faulty_top1 INTEGER DEFAULT 1",
                "ALTER TABLE t ADD COLUMN variant VARCHAR DEFAULT 'baseline'",
                "ALTER TABLE t ADD COLUMN golden_top2diff FLOAT DEFAULT 0.42",
                "ALTER TABLE t ADD COLUMN architecture VARCHAR DEFAULT 'lenet'");
    }

    @Test
    void countsRatesIntervalsAndMeanDeltaLoss() {
        List<LayerSummary.Row> rows = LayerSummary.compute(LayerSummary.trialsDir(dir.resolve("camp")), 0.95);
        assertEquals(2, rows.size());
        LayerSummary.Row conv = rows.get(0);
        assertEquals("conv1", conv.layerName());
        assertEquals(0, conv.layerIndex());
        assertEquals(4, conv.trials());
        assertEquals(0.25, conv.sdcRate(), 1e-12);
        assertEquals(0.25, conv.nonFiniteRate(), 1e-12);
        assertEquals(1.0, conv.meanDeltaLoss(), 1e-6, "NaN deltas are left out of the mean");
        assertEquals(0.5, conv.sdDeltaLoss(), 1e-6, "sample sd of 0.5, 1.5, 1.0");
        assertEquals(Intervals.wilson(1, 4, 0.95), conv.sdcInterval());
        LayerSummary.Row logits = rows.get(1);
        assertEquals("logits", logits.layerName());
        assertEquals(1.0, logits.sdcRate(), 1e-12);
        assertEquals(3.0, logits.meanDeltaLoss(), 1e-6);
        assertEquals(Math.sqrt(2), logits.sdDeltaLoss(), 1e-6);
        LayerSummary.Critical c = LayerSummary.mostCritical(rows).get("m");
        assertEquals("logits", c.top().layerName());
        assertEquals(false, c.standsOut(), "1/4 vs 4/4: the intervals [0.05, 0.70] and [0.51, 1] overlap");
        LayerSummary.Row a = new LayerSummary.Row("m", 0, "a", 2000, 400, 0, 0, 0, Intervals.wilson(400, 2000, 0.95));
        LayerSummary.Row b = new LayerSummary.Row("m", 1, "b", 2000, 100, 0, 0, 0, Intervals.wilson(100, 2000, 0.95));
        LayerSummary.Critical clear = LayerSummary.mostCritical(List.of(b, a)).get("m");
        assertEquals("a", clear.top().layerName());
        assertTrue(clear.standsOut() && clear.sentence().startsWith("most critical layer of m: a (index 0)"),
                clear.sentence());
    }

    @Test
    void sdcByBit() {
        List<BitSummary.Row> rows = BitSummary.compute(dir.resolve("camp").resolve("trials"), 0.95);
        assertEquals(3, rows.size());
        assertEquals(3, rows.get(0).bit());
        assertEquals(0, rows.get(0).sdc());
        assertEquals(30, rows.get(1).bit());
        assertEquals(3, rows.get(1).trials());
        assertEquals(2, rows.get(1).sdc());
        assertEquals(1, rows.get(1).nonFinite());
        assertEquals(Intervals.wilson(2, 3, 0.95), rows.get(1).sdcInterval());
    }

    @Test
    void theCommandPrintsTheTableAndWritesCsv() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path csv = dir.resolve("s.csv");
        int status = SummaryMain.run(new String[] {dir.resolve("camp").toString(), "--csv", csv.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("conv1") && printed.contains("0.2500"), printed);
        assertTrue(printed.contains("no layer of m stands out: the highest SDC rate, logits (index 5), SDC rate 1.0000"),
                printed);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("model_id,layer_index,layer_name,trials,sdc,sdc_rate"), lines.get(0));
        assertTrue(lines.get(2).startsWith("m,5,logits,2,2,1.000000,"), lines.get(2));
        List<String> acc = Files.readAllLines(dir.resolve("accuracy_confidence.csv"));
        assertEquals("m,0.0000,1,1.000000,1.000000,6,1.000000", acc.get(1));
        assertEquals("m,baseline,0.4,0.5,1", Files.readAllLines(dir.resolve("top2diff_histogram.csv")).get(1));
        assertTrue(Files.readAllLines(dir.resolve("delta_quantiles.csv")).get(1).startsWith("m,0,conv1,3,"));
        List<String> bits = Files.readAllLines(dir.resolve("sdc_by_bit.csv"));
        assertEquals("m,fp32,31,1,1,1.000000", bits.get(3).substring(0, 22), bits.get(3));
    }

    @Test
    void aMissingDirectoryIsOneClearLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SummaryMain.run(new String[] {dir.resolve("nope").toString()}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("does not exist"), err.toString());
    }
}
