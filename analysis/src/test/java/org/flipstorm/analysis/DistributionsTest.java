package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributionsTest {
    @TempDir
    Path dir;

    @Test
    void deltaQuantilesAndMarginBins() throws Exception {
        Path trials = Files.createDirectories(dir.resolve("trials"));
        // Layer l: deltas 0, 1, ..., 10 and one NaN (left out). Images: margins 0.05 (twice, one
        // image), 0.55, 1.0 for the baseline.
        HandMadeParquet.write(trials,
            "CREATE TABLE t AS SELECT 'm' AS model_id, 'baseline' AS variant, 0 AS layer_index, 'l' AS layer_name,"
                + " i AS image_index, CASE WHEN i = 11 THEN 'NaN'::FLOAT ELSE i::FLOAT END AS delta_loss,"
                + " (CASE WHEN i % 4 = 0 THEN 0.05 WHEN i % 4 = 1 THEN 0.55 ELSE 1.0 END)::FLOAT AS golden_top2diff"
                + " FROM range(12) r(i)");
        List<Distributions.DeltaRow> d = Distributions.deltaQuantiles(trials);
        assertEquals(1, d.size());
        assertEquals(11, d.get(0).finiteTrials());
        // Continuous quantiles of 0..10: q(p) = 10 p.
        assertArrayEquals(new double[] {1, 2.5, 5, 7.5, 9, 9.9}, d.get(0).quantiles(), 1e-5, "float deltas");

        List<Distributions.MarginBin> bins = Distributions.marginHistogram(trials);
        assertEquals(List.of(new Distributions.MarginBin("m", "baseline", 0, 3),
                new Distributions.MarginBin("m", "baseline", 5, 3), new Distributions.MarginBin("m", "baseline", 9, 6)),
                bins);
    }
}
