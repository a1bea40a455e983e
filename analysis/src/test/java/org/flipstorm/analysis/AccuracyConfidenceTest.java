package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracyConfidenceTest {
    @TempDir
    Path dir;

    /**
     * Four images: conf 0.9 (right), 0.8 (wrong), 0.6 (right), 0.3 (right); two trials each, one of
     * which keeps the right answer for the correctly classified images.
     */
    @Test
    void accuracyOfTheConfidentImagesAndOfTheirFaultyTrials() throws Exception {
        Path trials = Files.createDirectories(dir.resolve("trials"));
        HandMadeParquet.write(trials,
                "CREATE TABLE t AS SELECT * FROM (VALUES"
                    + " ('m', 0, 1, 1, 0.9::FLOAT, 1, 'l'), ('m', 0, 1, 1, 0.9::FLOAT, 2, 'l'),"
                    + " ('m', 1, 2, 3, 0.8::FLOAT, 3, 'l'), ('m', 1, 2, 3, 0.8::FLOAT, 3, 'l'),"
                    + " ('m', 2, 4, 4, 0.6::FLOAT, 4, 'l'), ('m', 2, 4, 4, 0.6::FLOAT, 0, 'l'),"
                    + " ('m', 3, 5, 5, 0.3::FLOAT, 5, 'l'), ('m', 3, 5, 5, 0.3::FLOAT, 9, 'l')"
                    + ") v(model_id, image_index, label, golden_top1, golden_confidence, faulty_top1, layer_name)");
        List<AccuracyConfidence.Row> rows = AccuracyConfidence.compute(trials, List.of(0.0, 0.5, 0.85, 0.95));
        assertEquals(3, rows.size(), "no image reaches 0.95");
        AccuracyConfidence.Row all = rows.get(0);
        assertEquals(4, all.images());
        assertEquals(1.0, all.kept(), 1e-12);
        assertEquals(0.75, all.cleanAccuracy(), 1e-12);
        assertEquals(8, all.trials());
        assertEquals(3 / 8.0, all.faultyAccuracy(), 1e-12);
        AccuracyConfidence.Row half = rows.get(1);
        assertEquals(3, half.images());
        assertEquals(0.75, half.kept(), 1e-12);
        assertEquals(2 / 3.0, half.cleanAccuracy(), 1e-12);
        assertEquals(2 / 6.0, half.faultyAccuracy(), 1e-12);
        assertEquals(1.0, rows.get(2).cleanAccuracy(), 1e-12);
        assertEquals(0.25, rows.get(2).kept(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> AccuracyConfidence.compute(trials, List.of(1.5)));
    }
}
