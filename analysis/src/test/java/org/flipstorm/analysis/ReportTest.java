package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a hand-made two-variant campaign: every chart is embedded as a real PNG of the
 * chart size, every SVG link resolves to an SVG file, the tables and headlines carry the known
 * answers; and Spark SQL computes the same tables as DuckDB from the same query files.
 */
class ReportTest {
    @TempDir
    static Path dir;

    /**
     * Architecture "toy", two layers (conv1, logits), 200 trials per model and layer. Baseline:
     * conv1 SDC on trial ids divisible by 4 (50/200), logits by 2 (100/200); text-guided: conv1 by
     * 10 (20/200), logits by 5 (40/200). So the improvement is 2.5x at both layers.
     */
    @BeforeAll
    static void campaign() throws Exception {
        Path trials = dir.resolve("camp").resolve("trials");
        Files.createDirectories(trials);
        HandMadeParquet.write(trials,
                "CREATE TABLE t AS SELECT 'c' AS campaign_id, i::BIGINT AS trial_id, m.model_id, m.variant,"
                    + " 'toy' AS architecture, l.layer_index, l.layer_name,"
                    + " CASE WHEN i % (CASE WHEN m.variant = 'baseline' THEN l.base ELSE l.text END) = 0"
                    + "      THEN 'sdc' ELSE 'masked' END AS outcome,"
                    + " (i % 7)::FLOAT / 7 AS delta_loss, 'fp32' AS format, (i % 32)::INTEGER AS bit,"
                    + " (i % 20)::INTEGER AS image_index, (i % 3)::INTEGER AS label, (i % 3)::INTEGER AS golden_top1,"
                    + " ((i % 20) / 20.0)::FLOAT AS golden_confidence,"
                    + " CASE WHEN i % 4 = 0 THEN 9 ELSE (i % 3) END::INTEGER AS faulty_top1,"
                    + " ((i % 20) / 25.0)::FLOAT AS golden_top2diff"
                    + " FROM range(200) r(i),"
                    + " (VALUES ('toy-base', 'baseline'), ('toy-text', 'text_guided')) m(model_id, variant),"
                    + " (VALUES (0, 'conv1', 4, 10), (1, 'logits', 2, 5)) l(layer_index, layer_name, base, text)");
        Path act = dir.resolve("camp").resolve("activations");
        Files.createDirectories(act);
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); var st = c.createStatement()) {
            st.execute("COPY (SELECT 'toy-base' AS model_id, l AS layer_index, CASE WHEN l = 0 THEN 'conv1' ELSE"
                    + " 'logits' END AS layer_name, b AS bin, b * 0.5 - 4 AS low, b * 0.5 - 3.5 AS high,"
                    + " (100 - (b - 8) * (b - 8))::BIGINT AS count FROM range(2) x(l), range(16) y(b))"
                    + " TO '" + act.resolve("part-0.parquet") + "' (FORMAT PARQUET)");
        }
    }

    @Test
    void theReportEmbedsEveryChartAndTheKnownAnswers() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = SummaryMain.run(new String[] {dir.resolve("camp").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
        Path report = dir.resolve("camp").resolve("report.html");
        String html = Files.readString(report);

        Matcher img = Pattern.compile("<img alt=\"([^\"]*)\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">")
                .matcher(html);
        List<String> titles = new ArrayList<>();
        while (img.find()) {
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(img.group(2))));
            assertEquals(Charts.WIDTH, png.getWidth(), img.group(1));
            assertEquals(Charts.HEIGHT, png.getHeight(), img.group(1));
            titles.add(img.group(1));
        }
        // layer SDC and delta CDF per model (2 + 2), improvement (1), SDC by bit (1), accuracy (2),
        // margin (1), largest activation per layer (1)
        assertEquals(10, titles.size(), titles.toString());
        assertTrue(titles.contains("Reliability improvement per layer: toy"), titles.toString());
        assertTrue(titles.contains("Largest |activation| per layer"), titles.toString());

        Matcher svg = Pattern.compile("<a href=\"([^\"]+\\.svg)\">SVG</a>").matcher(html);
        int svgs = 0;
        while (svg.find()) {
            Path f = report.getParent().resolve(svg.group(1));
            String text = Files.readString(f);
            assertTrue(text.contains("<svg"), f + " is not SVG");
            assertTrue(Files.size(f) > 2000, f + " is nearly empty");
            svgs++;
        }
        assertEquals(10, svgs);

        assertTrue(html.contains("toy: text guidance improves reliability 2.50x at the last layer and 2.50x overall"),
                "headline");
        assertTrue(html.contains("<td>toy</td><td>1</td><td>logits</td><td>100</td><td>200</td><td>40</td><td>200</td>"
                + "<td>2.500000</td>"), "improvement row");
        List<String> improvement = Files.readAllLines(dir.resolve("camp").resolve("improvement_by_name.csv"));
        assertTrue(improvement.get(1).startsWith("toy,0,conv1,50,200,20,200,2.500000,"), improvement.get(1));
        assertTrue(Files.readAllLines(dir.resolve("camp").resolve("activation_ranges.csv")).get(1)
                .startsWith("toy-base,0,conv1,-4.00000,4.00000,"));
    }

    @Test
    void sparkSqlComputesTheSameTablesAsDuckDb() {
        List<Table> duck;
        try (QueryEngine e = new DuckDbEngine()) {
            duck = Analysis.of(e, dir.resolve("camp"), 0.99).tables();
        }
        List<Table> spark;
        try (QueryEngine e = SparkEngine.create()) {
            spark = Analysis.of(e, dir.resolve("camp"), 0.99).tables();
        }
        assertEquals(duck.size(), spark.size());
        for (int i = 0; i < duck.size(); i++) {
            assertEquals(duck.get(i).rows(), spark.get(i).rows(), duck.get(i).name());
        }
    }
}
