package org.flipstorm.zoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flipstorm.common.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCommandTest {
    @TempDir
    Path dir;

    /** Writes a run's state.json as {@code train} does: epochs 1..n, accuracy and loss from the arrays. */
    private Path run(String name, double[] accuracy, double[] loss) throws Exception {
        List<Checkpoints.EpochLine> h = new ArrayList<>();
        for (int i = 0; i < accuracy.length; i++) {
            h.add(new Checkpoints.EpochLine(i + 1, loss[i], accuracy[i], 80 + i, 600 + 10 * i, i < 3 ? 0.1 : 0.01));
        }
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        new ObjectMapper().writeValue(d.resolve("state.json").toFile(),
                new Checkpoints.State(Map.of("arch", "resnet20"), accuracy.length, 7200 * accuracy.length, h));
        return d;
    }

    private record Result(int exit, String out, String err) {}

    private static Result history(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        int exit = Cli.execute(new HistoryCommand(o), argv, o, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsRunsSideBySideWithTheChosenEpochsAndTheirDifferences() throws Exception {
        Path a = run("a", new double[] {0.50, 0.60, 0.70, 0.80, 0.85, 0.9123}, new double[] {2, 1.5, 1, 0.5, 0.3, 0.0441});
        Path b = run("b", new double[] {0.40, 0.65, 0.72, 0.79, 0.9156}, new double[] {2, 1.4, 1, 0.6, 0.0473});
        Result r = history(a.toString(), b.toString(), "--names", "baseline,text-guided", "--every", "2",
                "--all-from", "4", "--recent", "2");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("| epoch | lr | baseline | text-guided |", lines.get(0));
        assertEquals("|---|---|---|---|", lines.get(1));
        // every 2nd epoch, every epoch from 4 on; the rate to 3 digits without trailing zeros
        assertEquals("| 2 | 0.1 | 60.00% (1.500) | 65.00% (1.400) |", lines.get(2));
        assertEquals("| 4 | 0.01 | 80.00% (0.500) | 79.00% (0.600) |", lines.get(3));
        assertEquals("| 5 | 0.01 | 85.00% (0.300) | 91.56% (0.047) |", lines.get(4));
        assertEquals("| 6 | 0.01 | 91.23% (0.044) | - |", lines.get(5), "a run not yet at an epoch shows '-'");
        assertEquals("", lines.get(6));
        assertEquals("- baseline: 6 epochs in 12.00 h of training; best 91.23% after epoch 6; epochs 5-6: 640-650 s"
                + " an epoch, 84-85 images/s", lines.get(7));
        assertEquals("- text-guided: 5 epochs in 10.00 h of training; best 91.56% after epoch 5; epochs 4-5: 630-640 s"
                + " an epoch, 83-84 images/s", lines.get(8));
        assertEquals("  text-guided - baseline over the 2 epochs compared that both reached (4-5): -1.00 to +6.56 points",
                lines.get(9));
        assertEquals(10, lines.size(), r.out());
    }

    @Test
    void withoutOptionsEveryEpochIsARowAndTheDirectoryNamesTheColumn() throws Exception {
        Path a = run("resnet20-baseline", new double[] {0.5, 0.6, 0.7}, new double[] {2, 1, 0.5});
        Result r = history(a.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("| epoch | lr | resnet20-baseline |", r.out().lines().findFirst().orElseThrow());
        assertEquals(3, r.out().lines().filter(l -> l.matches("\\| \\d+ \\|.*")).count(), r.out());
        assertTrue(r.out().contains("best 70.00% after epoch 3"), r.out());
    }

    @Test
    void refusesWhatIsNotACheckpointDirectoryOrNamesThatDoNotMatch() throws Exception {
        Path a = run("a", new double[] {0.5}, new double[] {1});
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Result missing = history(a.toString(), empty.toString());
        assertEquals(Cli.USAGE, missing.exit());
        assertTrue(missing.err().contains(empty + " has no state.json; expected a checkpoint directory"), missing.err());
        assertEquals("", missing.out(), "nothing printed before the refusal");

        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("state.json"), "{\"epochsDone\": ");
        Result bad = history(broken.toString());
        assertEquals(Cli.USAGE, bad.exit());
        assertTrue(bad.err().contains("is not a training state written by 'flipstorm train'"), bad.err());

        Result names = history(a.toString(), "--names", "x,y");
        assertEquals(Cli.USAGE, names.exit());
        assertTrue(names.err().contains("--names gives 2 names for 1 directories"), names.err());

        Result same = history(a.toString(), a.toString());
        assertEquals(Cli.USAGE, same.exit());
        assertTrue(same.err().contains("two runs are named 'a'"), same.err());

        assertEquals(Cli.USAGE, history(a.toString(), "--every", "0").exit());
    }
}
