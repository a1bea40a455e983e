package org.flipstorm.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nightly comparison flags a planted regression and ignores sampling noise. */
class CompareTest {
    @TempDir
    static Path dir;

    /** Writes a campaign of 2,000 trials per layer whose SDC counts are {@code conv1} and {@code logits}. */
    private static Path campaign(String name, int conv1, int logits) throws Exception {
        return campaign(name, "m", "fp32", conv1, logits);
    }

    private static Path campaign(String name, String model, String format, int conv1, int logits) throws Exception {
        Path trials = dir.resolve(name).resolve("trials");
        Files.createDirectories(trials);
        HandMadeParquet.write(trials, "CREATE TABLE t AS SELECT '" + model + "' AS model_id, l.layer_index, l.layer_name,"
                + " '" + format + "' AS format, 'flip' AS fault_model, 'activation' AS target, false AS range_detector,"
                + " CASE WHEN i < l.sdc THEN 'sdc' ELSE 'masked' END AS outcome, 0.1::FLOAT AS delta_loss"
                + " FROM range(2000) r(i), (VALUES (0, 'conv1', " + conv1 + "), (5, 'logits', " + logits + "))"
                + " l(layer_index, layer_name, sdc)");
        return dir.resolve(name);
    }

    @BeforeAll
    static void campaigns() throws Exception {
        campaign("monday", 100, 400);
        campaign("tuesday", 108, 392);      // noise: +8 and -8 trials out of 2,000
        campaign("wednesday", 200, 390);    // conv1 doubles: a regression
        campaign("other-model", "r", "fp32", 100, 400);
        campaign("other-format", "m", "int8", 100, 400);
        campaign("nights/nightly-2026-11-28", 100, 400);
        campaign("nights/nightly-2026-11-29", 100, 400);
        campaign("nights/nightly-2026-11-30", 200, 390);   // the regression, tonight
        campaign("nights/nightly-2026-12-02", 100, 400);   // a later night is not "previous"
        campaign("nights/other-2026-11-29", 900, 900);     // another campaign's night is not either
    }

    @Test
    void previousOfFindsTheNightBeforeThroughHadoopsFileSystemAndComparesWithIt() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(text, true, StandardCharsets.UTF_8);
        String tonight = dir.resolve("nights/nightly-2026-11-30").toUri().toString(); // a file: URI, as hdfs: would be
        assertEquals(CompareMain.REGRESSION, CompareMain.run(new String[] {"--previous-of", tonight}, o, o),
                text.toString(StandardCharsets.UTF_8));
        String said = text.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("with the night before, ") && said.contains("nightly-2026-11-29"), said);
        assertTrue(said.contains("regressed m / conv1"), said);
        text.reset();
        assertEquals(0, CompareMain.run(new String[] {"--previous-of",
            dir.resolve("nights/nightly-2026-11-28").toString()}, o, o));
        assertTrue(text.toString(StandardCharsets.UTF_8).startsWith("no earlier night"), text.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, CompareMain.run(new String[] {"--previous-of", dir.resolve("monday").toString()}, o,
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("expected a directory named NAME-YYYY-MM-DD"),
                err.toString());
    }

    @Test
    void campaignsThatShareNothingOrDifferInModelOrFaultSettingsAreRefusedUnlessForced() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, CompareMain.run(new String[] {dir.resolve("monday").toString(),
            dir.resolve("other-model").toString()}, System.out, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("differ in models or fault settings"), err.toString());
        err.reset();
        assertEquals(2, CompareMain.run(new String[] {dir.resolve("monday").toString(),
            dir.resolve("other-format").toString()}, System.out, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("m int8/flip/activation/detector=none"), err.toString());
        err.reset();
        Path other = dir.resolve("other-layers").resolve("trials");
        Files.createDirectories(other);
        HandMadeParquet.write(other, "CREATE TABLE t AS SELECT 'm' AS model_id, 7 AS layer_index, 'fc9' AS layer_name,"
                + " 'fp32' AS format, 'flip' AS fault_model, 'activation' AS target, false AS range_detector,"
                + " 'masked' AS outcome, 0.1::FLOAT AS delta_loss FROM range(100) r(i)");
        err.reset();
        assertEquals(2, CompareMain.run(new String[] {dir.resolve("monday").toString(),
            dir.resolve("other-layers").toString()}, System.out, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("share no (model, layer) group"), err.toString());
        ByteArrayOutputStream forced = new ByteArrayOutputStream();
        assertEquals(0, CompareMain.run(new String[] {dir.resolve("monday").toString(),
            dir.resolve("other-model").toString(), "--force", "--out", dir.resolve("forced-model").toString()},
                new PrintStream(forced, true, StandardCharsets.UTF_8), e), "told to compare anyway");
        assertTrue(forced.toString(StandardCharsets.UTF_8).contains("0 regressed"), forced.toString());
        assertEquals(0, CompareMain.run(new String[] {dir.resolve("monday").toString(),
            dir.resolve("other-format").toString(), "--force", "--out", dir.resolve("forced").toString()},
                System.out, e), "forced: the groups are compared");
    }

    @Test
    void samplingNoiseIsNotARegression() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = CompareMain.run(new String[] {dir.resolve("monday").toString(), dir.resolve("tuesday").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("2 groups compared, 0 regressed, 0 improved"));
    }

    @Test
    void aPlantedRegressionFailsTheRunAndIsWrittenAsCsvAndHtml() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path report = dir.resolve("diff");
        int status = CompareMain.run(new String[] {dir.resolve("monday").toString(),
            dir.resolve("wednesday").toString(), "--out", report.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(CompareMain.REGRESSION, status);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("regressed m / conv1: 0.0500"), printed);
        List<String> csv = Files.readAllLines(report.resolve("compare.csv"));
        assertEquals(3, csv.size());
        assertTrue(csv.get(1).startsWith("m,conv1,2000,0.050000,") && csv.get(1).endsWith(",regressed"), csv.get(1));
        assertTrue(csv.get(2).endsWith(",unchanged"), csv.get(2));
        assertTrue(Files.readString(report.resolve("compare.html")).contains("1 regressed"));
    }

    @Test
    void badInputIsOneLineWithExitTwoAndHelpExplainsEveryOption() {
        String monday = dir.resolve("monday").toString();
        for (String[] bad : List.of(new String[] {monday}, new String[] {monday, monday, "--confidence", "high"},
                new String[] {monday, monday, "--engine", "sqlite"}, new String[] {monday, monday, "--forse"},
                new String[] {monday, dir.resolve("nope").toString()})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, CompareMain.run(bad, System.out, new PrintStream(err, true, StandardCharsets.UTF_8)),
                    String.join(" ", bad));
            String text = err.toString(StandardCharsets.UTF_8).strip();
            assertTrue(text.startsWith("compare: ") && text.lines().count() == 1, text);
        }
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        assertEquals(0, CompareMain.run(new String[] {"--help"}, new PrintStream(help, true, StandardCharsets.UTF_8),
                System.err));
        for (String option : List.of("CAMPAIGN_A", "CAMPAIGN_B", "--confidence", "--out", "--engine", "--force",
                "--allow-partial", "Exit status")) {
            assertTrue(help.toString(StandardCharsets.UTF_8).contains(option), option);
        }
    }
}
