package org.flipstorm.zoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Model;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.zoo.data.IdxDataset;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.nets.Architectures;
import org.flipstorm.zoo.nets.NetSpec;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.store.ModelCard;
import org.flipstorm.zoo.store.ModelStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Nesterovs;

class TrainCommandTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void fastPath() {
        Dl4jRuntime.configure();
    }

    @Test
    void aResumedRunEndsWithExactlyTheWeightsOfAnUninterruptedOne() throws Exception {
        ImageSet slice = IdxDataset.FASHION_MNIST.load("test", java.util.Optional.of(Path.of("data/fashion-mnist-test-500")))
                .head(200);
        Map<String, String> settings = Map.of("arch", "lenet");
        Model straight = lenet();
        Trainer t1 = new Trainer(straight, slice, 50, 8);
        t1.epoch(1);
        t1.epoch(2);

        Model first = lenet();
        new Trainer(first, slice, 50, 8).epoch(1);
        Checkpoints ck = new Checkpoints(dir.resolve("ck"));
        Checkpoints.State state = new Checkpoints.State(settings, 1, 1.0, List.of());
        ck.save(first, state);
        Model resumed = ck.load(ck.state().orElseThrow(), false);
        new Trainer(resumed, slice, 50, 8).epoch(2);

        assertArrayEquals(straight.params().data().asFloat(), resumed.params().data().asFloat(),
                "momentum, schedule position and batch order all survive the checkpoint");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.requireSameSettings(state, Map.of("arch", "resnet20")));
        assertTrue(e.getMessage().contains("arch: checkpoint lenet, now resnet20"), e.getMessage());
    }

    private static Model lenet() {
        // SGD with momentum and the warm-up + cosine schedule: the state a resume must restore
        return Architectures.build("lenet", new NetSpec(1, 28, 28, 10, null,
                new Nesterovs(new WarmupCosineSchedule(0.05, 2, 8), 0.9), 5e-4, 3));
    }

    @Test
    void trainsAGraphOnCifarBinaryFilesCheckpointsAndRefusesToMixRuns() throws Exception {
        Path data = dir.resolve("cifar");
        Files.createDirectories(data);
        SplittableRandom r = new SplittableRandom(1);
        for (int b = 1; b <= 5; b++) {
            writeBatch(data.resolve("data_batch_" + b + ".bin"), 8, r);
        }
        writeBatch(data.resolve("test_batch.bin"), 10, r);
        Path out = dir.resolve("models/r20.zip");
        String[] argv = {"--arch", "resnet20", "--dataset", "cifar10", "--data", data.toString(), "--out",
            out.toString(), "--epochs", "2", "--batch", "16"};
        TrainCommand.run(argv);

        ModelStore.LoadedModel m = ModelStore.load(out);
        ModelCard card = m.card();
        assertEquals("resnet20", card.architecture());
        assertEquals(2, card.training().epochs());
        assertEquals(2, card.training().plannedEpochs());
        assertEquals("sgd", card.training().optimizer());
        assertEquals(0.9, card.training().momentum());
        assertNotNull(card.inputNormalization(), "CIFAR inputs are normalised with training-split statistics");
        assertEquals(3, card.inputNormalization().channels());
        assertTrue(card.meanGoldenTop2Diff() >= 0 && card.meanGoldenTop2Diff() <= 100, "" + card.meanGoldenTop2Diff());
        assertTrue(Files.isRegularFile(dir.resolve("models/r20.checkpoints/epoch-002.zip")));
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(data.resolve("test_batch.bin")))), card.testSetSha256(),
                "the card's test-set hash is the hash of the official-format test file");

        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> TrainCommand.run(argv));
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());
        String[] changed = java.util.Arrays.copyOf(argv, argv.length + 3);
        changed[argv.length] = "--resume";
        changed[argv.length + 1] = "--lr";
        changed[argv.length + 2] = "0.05";
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> TrainCommand.run(changed));
        assertTrue(mixed.getMessage().contains("lr: checkpoint 0.1, now 0.05"), mixed.getMessage());
    }

    @Test
    void studyRecipeWithRandomCosineRowsStopsAtItsBudgetWithoutAFinalModelAndResumes() throws Exception {
        Path data = dir.resolve("cifar");
        Files.createDirectories(data);
        SplittableRandom r = new SplittableRandom(2);
        for (int b = 1; b <= 5; b++) {
            writeBatch(data.resolve("data_batch_" + b + ".bin"), 8, r);
        }
        writeBatch(data.resolve("test_batch.bin"), 10, r);
        Path out = dir.resolve("models/cos.zip");
        String[] argv = {"--arch", "resnet20", "--dataset", "cifar10", "--data", data.toString(), "--out",
            out.toString(), "--recipe", "study", "--epochs", "4", "--batch", "16", "--head", "cosine_random"};
        String[] budget = java.util.Arrays.copyOf(argv, argv.length + 2);
        budget[argv.length] = "--time-budget";
        budget[argv.length + 1] = "0.01s";
        assertEquals(false, TrainCommand.run(budget), "the budget stops it after epoch 1");
        assertTrue(Files.notExists(out), "a half-trained model is never written where the final one goes");
        Checkpoints.State state = new Checkpoints(dir.resolve("models/cos.checkpoints")).state().orElseThrow();
        assertEquals(1, state.epochsDone());
        assertEquals("study", state.settings().get("recipe"));
        assertEquals("all", state.settings().get("weight_decay_on"));

        String[] resume = java.util.Arrays.copyOf(argv, argv.length + 1);
        resume[argv.length] = "--resume";
        assertEquals(true, TrainCommand.run(resume));
        ModelCard card = ModelStore.load(out).card();
        assertEquals("cosine_random", card.variant());
        assertEquals("resnet20-cifar10-cosrand", card.modelId());
        assertTrue(card.textGuidance().encoder().startsWith(RandomRows.SOURCE_ID), card.textGuidance().encoder());
        assertEquals("momentum", card.training().optimizer());
        assertEquals(1e-4, card.training().weightDecay());
        assertEquals("step x0.1 at epochs [2, 3]", card.training().schedule());
        assertEquals(4, card.training().epochs());
    }

    @Test
    void timeBudgetsNeedAUnit() {
        assertEquals(5400, TrainCommand.parseDuration("90m"));
        assertEquals(1.5 * 3600, TrainCommand.parseDuration("1.5h"));
        assertEquals(45, TrainCommand.parseDuration("45s"));
        assertEquals(2 * 3600 + 45 * 60, TrainCommand.parseDuration("2h45m"));
        for (String bad : List.of("90", "2h45", "h", "2x", "0m", "m45m", "2h 45m")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TrainCommand.parseDuration(bad), bad);
            assertTrue(e.getMessage().contains("expected e.g. 90s, 45m, 2h or 2h45m"), e.getMessage());
        }
    }

    @Test
    void helpListsEveryOptionAndUsageErrorsAreOneLine() {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        assertEquals(0, Cli.execute(new TrainCommand(), new String[] {"--help"}, new PrintStream(out),
                new PrintStream(err)));
        for (String option : List.of("--arch", "--out", "--recipe", "--head", "--time-budget", "--resume",
                "--weight-decay-on", "--milestones")) {
            assertTrue(out.toString().contains(option), option + " missing from --help");
        }
        for (String[] bad : List.of(new String[] {"--out", "m.zip", "--epochs"}, new String[] {"--bogus"},
                new String[] {"--epochs", "3"}, new String[] {"--out", "m.zip", "--batch", "many"})) {
            err.reset();
            assertEquals(2, Cli.execute(new TrainCommand(), bad, new PrintStream(out), new PrintStream(err)),
                    String.join(" ", bad));
            String text = err.toString().strip();
            assertTrue(text.startsWith("train: ") && !text.contains("\n"), text);
        }
    }

    private static void writeBatch(Path file, int records, SplittableRandom r) throws Exception {
        byte[] b = new byte[records * 3073];
        for (int i = 0; i < records; i++) {
            b[i * 3073] = (byte) (i % 10);
            for (int k = 1; k < 3073; k++) {
                b[i * 3073 + k] = (byte) r.nextInt(256);
            }
        }
        Files.write(file, b);
    }
}
