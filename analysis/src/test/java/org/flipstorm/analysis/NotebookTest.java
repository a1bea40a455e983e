package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebook runs: {@code summary} writes its CSVs for a two-variant campaign, then Jupyter's
 * nbconvert executes the notebook headless against them and every figure it promises is drawn.
 * Needs Debian's jupyter-nbconvert, python3-ipykernel, python3-pandas and python3-matplotlib,
 * which .ci/run installs when missing; skipped (with the reason) where they are absent.
 */
class NotebookTest {
    private static final Path NOTEBOOK = Path.of("notebooks/explore.ipynb").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void theNotebookExecutesOnASummaryAndDrawsEveryFigure() throws Exception {
        assumeTrue(works("jupyter", "nbconvert", "--version"),
                "jupyter nbconvert is not installed (.ci/run installs it with pandas and matplotlib)");
        Path trials = dir.resolve("camp").resolve("trials");
        Files.createDirectories(trials);
        HandMadeParquet.write(trials,
                "CREATE TABLE t AS SELECT 'c-1' AS campaign_id, i::BIGINT AS trial_id, m.model_id, m.variant,"
                    + " 'toy' AS architecture, l.layer_index, l.layer_name, 'fp32' AS format, 'flip' AS fault_model,"
                    + " 'activation' AS target, false AS range_detector, 'none' AS range_detector_mode,"
                    + " CASE WHEN i % (CASE WHEN m.variant = 'baseline' THEN l.base ELSE l.text END) = 0"
                    + "      THEN 'sdc' ELSE 'masked' END AS outcome,"
                    + " ((i % 7) + 1)::FLOAT / 7 AS delta_loss, (i % 32)::INTEGER AS bit,"
                    + " (i % 20)::INTEGER AS image_index, (i % 3)::INTEGER AS label, (i % 3)::INTEGER AS golden_top1,"
                    + " ((i % 20) / 20.0)::FLOAT AS golden_confidence,"
                    + " CASE WHEN i % 4 = 0 THEN 9 ELSE (i % 3) END::INTEGER AS faulty_top1,"
                    + " ((i % 20) / 25.0)::FLOAT AS golden_top2diff"
                    + " FROM range(400) r(i),"
                    + " (VALUES ('toy-base', 'baseline'), ('toy-text', 'text_guided')) m(model_id, variant),"
                    + " (VALUES (0, 'conv1', 4, 10), (1, 'logits', 2, 5)) l(layer_index, layer_name, base, text)");
        Path camp = dir.resolve("camp");
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(0, SummaryMain.run(new String[] {camp.toString()}, quiet, System.err));
        assertTrue(Files.isRegularFile(camp.resolve("study_comparison.csv")), "a pair, so the improvement plot runs");

        Path figures = dir.resolve("figures");
        ProcessBuilder pb = new ProcessBuilder("jupyter", "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.timeout=300", "--output-dir", dir.toString(), "--output", "executed",
                NOTEBOOK.toString()).redirectErrorStream(true);
        pb.environment().put("FLIPSTORM_CAMPAIGN", camp.toString());
        pb.environment().put("FLIPSTORM_FIGURES", figures.toString());
        pb.environment().put("MPLCONFIGDIR", dir.resolve("mpl").toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "nbconvert finished");
        assertEquals(0, p.exitValue(), log);
        for (String f : List.of("layer_sdc-toy-base.png", "layer_sdc-toy-text.png", "improvement-toy-text_guided.png",
                "accuracy_confidence.png", "delta_cdf-toy-base.png", "delta_cdf-toy-text.png")) {
            assertTrue(Files.size(figures.resolve(f)) > 1000, f + " drawn: " + log);
        }
        String executed = Files.readString(dir.resolve("executed.ipynb"));
        assertTrue(executed.contains("overall_pooled"), "the pooled ratios were printed");
    }

    private static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }
}
