package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each mistake: exit status 2, one line naming the problem, nothing written. */
class CampaignBadInputTest {
    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void setUp() throws IOException {
        Dl4jRuntime.configure();
        model = Fixtures.saveTinyModel(dir);
    }

    private static Fixtures.Outcome run(Path config) {
        return Fixtures.campaign(config.toString());
    }

    private static void assertRefused(Path output, Fixtures.Outcome o, String expected) {
        assertEquals(CampaignMain.EXIT_BAD_INPUT, o.status(), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
        assertTrue(o.err().contains(expected), o.err());
        assertFalse(Files.exists(output), "nothing written to " + output);
    }

    @Test
    void missingModelPath() throws IOException {
        Path out = dir.resolve("out-missing");
        Path conf = Fixtures.config(dir, dir.resolve("no-such-model.zip"), out);
        assertRefused(out, run(conf), "no-such-model.zip does not exist");
    }

    @Test
    void modelKeyAbsent() throws IOException {
        Path out = dir.resolve("out-absent");
        Path conf = Fixtures.config(dir, model, out);
        Files.writeString(conf, Files.readString(conf).replaceAll("(?m)^  model = .*$", ""));
        assertRefused(out, run(conf), "model path is missing");
    }

    @Test
    void unknownLayer() throws IOException {
        Path out = dir.resolve("out-layer");
        Path conf = Fixtures.config(dir, model, out, "layers = [conv1, conv9]");
        assertRefused(out, run(conf), "unknown layer 'conv9'");
    }

    @Test
    void nearTieThatIsNeitherAToleranceNorExact() throws IOException {
        Path out = dir.resolve("out-near-tie");
        assertRefused(out, run(Fixtures.config(dir, model, out, "near-tie = sometimes")),
                "campaign.near-tie = 'sometimes'; expected a probability difference such as 1e-4, or exact");
        assertRefused(out, run(Fixtures.config(dir, model, out, "near-tie = -0.1")),
                "near-tie -0.1 must be a probability difference >= 0 (e.g. 1e-4) or exact");
    }

    @Test
    void bitOutsideFp32() throws IOException {
        Path out = dir.resolve("out-bit");
        Path conf = Fixtures.config(dir, model, out, "bits = [3, 33]");
        assertRefused(out, run(conf), "bit 33 out of range for fp32 (0..31)");
    }

    @Test
    void bitOutsideFp16AndInt8WithoutRanges() throws IOException {
        Path out = dir.resolve("out-fp16");
        assertRefused(out, run(Fixtures.config(dir, model, out, "format = fp16", "bits = [20]")),
                "bit 20 out of range for fp16 (0..15)");
        assertRefused(out, run(Fixtures.config(dir, model, out, "format = int8")), "ranges.json does not exist");
        assertRefused(out, run(Fixtures.config(dir, model, out, "fault-model = stuck")), "fault model 'stuck' unknown");
    }

    @Test
    void weightFaultsInALayerWithoutWeights() throws IOException {
        Path out = dir.resolve("out-weights");
        assertRefused(out, run(Fixtures.config(dir, model, out, "target = weights", "layers = [conv1, pool1]")),
                "layer 'pool1' has no weights");
        assertRefused(out, run(Fixtures.config(dir, model, out, "target = weights", "range-detector = true")),
                "cannot be used with target = weights");
    }

    @Test
    void unknownKeyAndMissingConfig() throws IOException {
        Path out = dir.resolve("out-key");
        Path conf = Fixtures.config(dir, model, out, "trials-per-layr = 5");
        assertRefused(out, run(conf), "unknown campaign key(s) [trials-per-layr]");
        assertRefused(out, run(dir.resolve("nope.conf")), "does not exist");
    }

    @Test
    void corruptModelZip() throws IOException {
        Path out = dir.resolve("out-corrupt");
        Path bad = dir.resolve("corrupt.zip");
        Files.write(bad, new byte[] {1, 2, 3, 4});
        Files.copy(dir.resolve("tiny-lenet.card.json"), dir.resolve("corrupt.card.json"));
        assertRefused(out, run(Fixtures.config(dir, bad, out)), "is not a readable DL4J");
    }

    @Test
    void outputThatCannotBeCreated() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Path out = file.resolve("campaigns");
        assertRefused(out, run(Fixtures.config(dir, model, out)), "cannot reach the campaign output " + out);
        assertEquals("not a directory", Files.readString(file), "the file in the way is untouched");
    }

    @Test
    void commandLineMistakesAreOneLineAndHelpListsTheOptions() throws IOException {
        Path out = dir.resolve("out-cli");
        Path conf = Fixtures.config(dir, model, out);
        assertRefused(out, Fixtures.campaign(conf.toString(), "--set"), "Missing required parameter for option '--set'");
        assertRefused(out, Fixtures.campaign(conf.toString(), "--set", "campaign.seed"), "is not a HOCON setting");
        assertRefused(out, Fixtures.campaign(conf.toString(), "--set", "campaign.layers=conv1,conv2"),
                "is not a HOCON setting");
        assertRefused(out, Fixtures.campaign(conf.toString(), "--sett", "campaign.seed=1"), "Unknown option");
        assertRefused(out, Fixtures.campaign(), "Missing required parameter: 'CONFIG'");
        assertRefused(out, Fixtures.campaign(conf.toString(), conf.toString()), "both name the campaign " + out);
        Fixtures.Outcome help = Fixtures.campaign("--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().contains("--set=KEY=VALUE") && help.out().contains("CONFIG")
                && help.out().contains("Exit status"), help.out());
        assertFalse(Files.exists(out));
    }
}
