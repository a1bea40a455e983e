package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

/** The attenuation figure from model cards: layers aligned by name, a head's own layers in their place. */
class ActivationsTest {
    @TempDir
    Path dir;

    private Path card(String id, String variant, String layersJson) throws Exception {
        Path f = dir.resolve(id + ".card.json");
        Files.writeString(f, "{\"modelId\": \"" + id + "\", \"variant\": \"" + variant + "\", \"testAccuracy\": 0.9,"
                + " \"activationProfile\": {\"split\": \"train\", \"images\": 500, \"layers\": [" + layersJson + "]}}");
        return f;
    }

    @Test
    void layersAlignByNameAndEachHeadKeepsItsOwn() throws Exception {
        Path base = card("r-base", "baseline", "{\"name\": \"conv\", \"maxAbs\": 12.5}, {\"name\": \"bn\", \"maxAbs\": 3},"
                + " {\"name\": \"logits\", \"maxAbs\": 40}");
        Path text = card("r-text", "text_guided", "{\"name\": \"conv\", \"maxAbs\": 9}, {\"name\": \"bn\", \"maxAbs\": 2},"
                + " {\"name\": \"text_proj\", \"maxAbs\": 5}, {\"name\": \"cosine\", \"maxAbs\": 0.8}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path charts = dir.resolve("charts");
        int status = ActivationsMain.run(new String[] {base.toString(), text.toString(), "--out", charts.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("layer,r-base,r-text", "conv,12.5000,9.00000", "bn,3.00000,2.00000", "text_proj,,5.00000",
                "cosine,,0.800000", "logits,40.0000,"), Files.readAllLines(charts.resolve("activation_profile.csv")));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("r-text (text_guided): 4 layers over 500 train images"));

        List<ActivationProfiles.Profile> ps = List.of(ActivationProfiles.read(base), ActivationProfiles.read(text));
        XYChart c = Charts.profilesChart(ps, ActivationProfiles.layers(ps));
        assertArrayEquals(new double[] {0, 1, 4}, c.getSeriesMap().get("r-base").getXData(), 0);
        assertArrayEquals(new double[] {0, 1, 2, 3}, c.getSeriesMap().get("r-text").getXData(), 0);
        assertArrayEquals(new double[] {9, 2, 5, 0.8}, c.getSeriesMap().get("r-text").getYData(), 0);
    }

    @Test
    void aCardWithoutAProfileIsRefusedByName() throws Exception {
        Path bare = dir.resolve("bare.card.json");
        Files.writeString(bare, "{\"modelId\": \"bare\", \"activationProfile\": null}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ActivationsMain.run(new String[] {bare.toString(), "--out", dir.toString()}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("bare.card.json has no activation profile"), err.toString());
        assertTrue(Files.notExists(dir.resolve("activation_profile.csv")), "nothing written for a refused input");
    }
}
