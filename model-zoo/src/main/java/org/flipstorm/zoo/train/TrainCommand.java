package org.flipstorm.zoo.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.data.Augmentation;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.data.Normalization;
import org.flipstorm.zoo.nets.Architectures;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.nets.NetSpec;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.runtime.Versions;
import org.flipstorm.zoo.store.ModelCard;
import org.flipstorm.zoo.store.ModelStore;
import org.flipstorm.zoo.text.ClassDescriptions;
import org.flipstorm.zoo.text.TextEmbeddings;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code train}: trains a zoo model, checkpointing every epoch, and saves it with its model card.
 *
 * <p>Every option: {@code flipstorm train --help}.
 *
 * <p>The recipe is the same for both heads. Defaults: for LeNet the recipe of the committed
 * Fashion-MNIST models (Adam 1e-3, constant rate, no augmentation, [0, 1] inputs); for every other
 * architecture SGD with Nesterov momentum 0.9, rate 0.1, L2 5e-4, one warm-up epoch then cosine
 * decay to 0, pad-4 crop and flip, and per-channel normalisation from the training split.
 *
 * <p>{@code --recipe study} is the study's training code (method.md, section 5) as far as it is
 * public: classical momentum 0.9 ({@link MomentumSgd}, not Nesterov), rate 0.1 divided by 10 at
 * 50% and 75% of the epochs, weight decay 1e-4 on every trainable parameter including batch-norm
 * gamma/beta and the head's log scale ({@link DecayAllParameters}), batch 128, 60 epochs, no
 * warm-up; augmentation and normalisation as the default recipe. Any of its settings can still
 * be overridden by the flags.
 *
 * <p>{@code --head cosine_random} is the ablation of the text-guided head: the same cosine head
 * (bounded logits, learned scale) with rows drawn at random (Gaussian, unit norm, seeded by
 * {@code --seed}) instead of from class descriptions.
 */
@Command(name = "train", sortOptions = false, description = {
    "Trains a zoo model, checkpointing every epoch, and saves it with its model card.",
    "Unset options take the recipe's value: LeNet: Adam 1e-3, constant rate, no augmentation, [0, 1] inputs;"
        + " other architectures: Nesterov SGD 0.1, L2 5e-4, 1 warm-up epoch then cosine, crop+flip,"
        + " per-channel normalisation; --recipe study: classical momentum 0.9, lr 0.1 x0.1 at 50%% and 75%%,"
        + " weight decay 1e-4 on every parameter, 60 epochs."},
        exitCodeListHeading = "Exit status:%n", exitCodeList = {
            "0:the model and its card were written",
            "2:bad input (options, data, or checkpoints of a different run)",
            "3:the time budget stopped the run; rerun with --resume",
            "1:an I/O failure"})
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;
    @Option(names = "--arch", paramLabel = "ARCH", description = "Architecture: lenet, resnet20, ... (default: ${DEFAULT-VALUE}).")
    String arch = LeNet.ARCHITECTURE;
    @Option(names = "--dataset", paramLabel = "ID", description = "fashion-mnist, cifar10 or cifar100 (default: fashion-mnist for LeNet, cifar10 otherwise).")
    String dataset;
    @Option(names = "--data", paramLabel = "DIR", description = "Dataset directory (default: the bundled sample where one exists).")
    Path data;
    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Model zip to write, e.g. model-zoo/models/resnet20.zip; its card goes beside it.")
    Path out;
    @Option(names = "--model-id", paramLabel = "ID", description = "Model id in the card (default: ARCH-DATASET-baseline|text|cosrand).")
    String modelId;
    @Option(names = "--head", paramLabel = "HEAD", defaultValue = "baseline", description = "baseline (dense softmax), text_guided (cosine head from class-description embeddings) or cosine_random (the same head, random unit rows; the ablation) (default: ${DEFAULT-VALUE}).")
    String head;
    @Option(names = "--descriptions", paramLabel = "FILE", description = "Class descriptions for text_guided (default: the bundled ones of the dataset).")
    Path descriptions;
    @Option(names = "--embedding-cache", paramLabel = "DIR", defaultValue = "target/embedding-cache", description = "Where text embeddings are cached (default: ${DEFAULT-VALUE}).")
    Path embeddingCache;
    @Option(names = "--recipe", paramLabel = "NAME", defaultValue = "default", description = "default or study (default: ${DEFAULT-VALUE}).")
    String recipe;
    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 10 LeNet, 30 others, 60 study).")
    Integer epochs;
    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd (Nesterov), momentum (classical, PyTorch's SGD) or adam.")
    String optimizer;
    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 1e-3 for adam, 0.1 otherwise).")
    Double lr;
    @Option(names = "--momentum", paramLabel = "M", description = "Momentum (default: 0.9; 0 for adam).")
    Double momentum;
    @Option(names = "--weight-decay", paramLabel = "W", description = "Weight decay (default: 1e-4 study and LeNet, 5e-4 otherwise).")
    Double weightDecay;
    @Option(names = "--weight-decay-on", paramLabel = "WHAT", description = "weights (DL4J's L2 on weights) or all (every trainable parameter, as PyTorch's weight_decay) (default: all for study).")
    String weightDecayOn;
    @Option(names = "--schedule", paramLabel = "NAME", description = "cosine, step or constant.")
    String schedule;
    @Option(names = "--warmup-epochs", paramLabel = "N", description = "Linear warm-up epochs before cosine (default: 1 with cosine).")
    Integer warmupEpochs;
    @Option(names = "--milestones", paramLabel = "FRACTIONS", defaultValue = "0.5,0.75", description = "Step schedule milestones as fractions of the epochs (default: ${DEFAULT-VALUE}).")
    String milestones;
    @Option(names = "--gamma", paramLabel = "G", defaultValue = "0.1", description = "Step schedule factor (default: ${DEFAULT-VALUE}).")
    double gamma;
    @Option(names = "--augment", paramLabel = "NAME", description = "crop-flip (pad 4, random crop, horizontal flip), flip or none (default: none for LeNet, crop-flip otherwise).")
    String augment;
    @Option(names = "--normalize", paramLabel = "BOOL", description = "Per-channel normalisation from the training split (default: false for LeNet, true otherwise).")
    String normalize;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of initialisation, order and augmentation (default: ${DEFAULT-VALUE}).")
    int seed;
    @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N training images.")
    Integer trainLimit;
    @Option(names = "--test-limit", paramLabel = "N", description = "Use only the first N test images.")
    Integer testLimit;
    @Option(names = "--time-budget", paramLabel = "DURATION", description = "Stop before an epoch that would end after this (90s, 45m, 2h); exit 3, resumable.")
    String timeBudget;
    @Option(names = "--gc-every", paramLabel = "SECONDS", defaultValue = "10", description = "Ask for a full Java garbage collection when this many seconds of training have passed since the last, so ND4J frees the native memory of spent arrays (0: no interval; default: ${DEFAULT-VALUE}).")
    double gcEvery;
    @Option(names = "--gc-growth", paramLabel = "MIB", defaultValue = "1024", description = "Also ask for one when the process has grown by this many MiB since the last (0: no limit; default: ${DEFAULT-VALUE}).")
    long gcGrowthMib;
    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Checkpoints (default: beside --out, NAME.checkpoints).")
    Path checkpointDir;
    @Option(names = "--resume", description = "Continue the run whose checkpoints are there (same settings required).")
    boolean resume;

    /** Entry point. */
    public static void main(String[] argv) {
        Dl4jRuntime.configure();
        Cli.main(new TrainCommand(), argv);
    }

    /** Exit status of a run that a time budget stopped before its last epoch (resumable). */
    public static final int EXIT_BUDGET = 3;

    @Override
    public Integer call() throws IOException {
        Dl4jRuntime.requireBackend();
        try {
            return train() ? Cli.OK : EXIT_BUDGET;
        } catch (ZooException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Parses {@code argv} and trains; returns false if the time budget stopped the run (for tests). */
    static boolean run(String... argv) throws IOException, ZooException {
        return CommandLine.populateCommand(new TrainCommand(), argv).train();
    }

    /** Trains; returns false if the time budget stopped the run before its last epoch. */
    boolean train() throws IOException, ZooException {
        if (!Architectures.ids().contains(arch)) {
            throw new IllegalArgumentException("architecture '" + arch + "' unknown; expected one of "
                    + Architectures.ids());
        }
        boolean lenet = arch.equals(LeNet.ARCHITECTURE);
        String datasetId = or(dataset, lenet ? "fashion-mnist" : "cifar10");
        List<String> classNames = Datasets.classNames(datasetId);
        Optional<Path> dataDir = Optional.ofNullable(data);
        boolean study = switch (recipe) {
            case "default" -> false;
            case "study" -> true;
            default -> throw new IllegalArgumentException("--recipe '" + recipe + "' unknown; expected default or study");
        };
        int epochs = or(this.epochs, study ? 60 : lenet ? 10 : 30);
        String optimizer = or(this.optimizer, study ? "momentum" : lenet ? "adam" : "sgd");
        double lr = or(this.lr, optimizer.equals("adam") ? 1e-3 : 0.1);
        double momentum = or(this.momentum, optimizer.equals("adam") ? 0 : 0.9);
        double weightDecay = or(this.weightDecay, study ? 1e-4 : lenet ? 1e-4 : 5e-4);
        String decayOn = or(weightDecayOn, study ? "all" : "weights");
        if (!decayOn.equals("weights") && !decayOn.equals("all")) {
            throw new IllegalArgumentException("--weight-decay-on '" + decayOn + "' unknown; expected weights (DL4J's"
                    + " L2 on weights) or all (every trainable parameter, as PyTorch's SGD weight_decay)");
        }
        String scheduleName = or(schedule, study ? "step" : lenet ? "constant" : "cosine");
        int warmupEpochs = or(this.warmupEpochs, scheduleName.equals("cosine") ? 1 : 0);
        String augmentName = or(augment, lenet ? "none" : "crop-flip");
        boolean normalize = parseBoolean("normalize", or(this.normalize, lenet ? "false" : "true"));
        long seed = this.seed;
        double budgetSeconds = timeBudget == null ? Double.POSITIVE_INFINITY : parseDuration(timeBudget);
        int[] milestoneEpochs = scheduleName.equals("step")
                ? StepSchedules.milestoneEpochs(milestones, epochs) : new int[0];
        if (epochs < 1 || batch < 1) {
            throw new IllegalArgumentException("--epochs " + epochs + " and --batch " + batch + " must be >= 1");
        }
        if (warmupEpochs < 0 || warmupEpochs >= epochs && scheduleName.equals("cosine")) {
            throw new IllegalArgumentException("--warmup-epochs " + warmupEpochs + " must be >= 0 and < --epochs "
                    + epochs);
        }
        Augmentation augmentation;
        try {
            augmentation = Augmentation.named(augmentName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--augment: " + e.getMessage(), e);
        }

        ImageSet train = Datasets.load(datasetId, "train", dataDir);
        int limit = or(trainLimit, train.size());
        if (limit < train.size()) {
            train = train.head(limit);
        }
        ImageSet test = Datasets.load(datasetId, "test", dataDir);
        int testLimit = or(this.testLimit, test.size());
        if (testLimit < test.size()) {
            test = test.head(testLimit);
        }
        Normalization norm = normalize ? train.normalization() : null;

        ModelCard.TextGuidance guidance = null;
        float[][] embeddings = null;
        if (head.equals("text_guided")) {
            ClassDescriptions descriptions = this.descriptions != null
                    ? ClassDescriptions.read(this.descriptions)
                    : ClassDescriptions.bundled(datasetId);
            descriptions.checkCovers(classNames, 1);
            embeddings = TextEmbeddings.embedCached(descriptions, classNames,
                    embeddingCache);
            guidance = new ModelCard.TextGuidance(TextEmbeddings.ENCODER_ID, descriptions.sha256(),
                    TextEmbeddings.meanPairwiseCosine(embeddings));
        } else if (head.equals("cosine_random")) {
            embeddings = RandomRows.unitGaussian(classNames.size(), TextEmbeddings.DIMENSIONS, seed);
            guidance = new ModelCard.TextGuidance(RandomRows.SOURCE_ID + seed, "-",
                    TextEmbeddings.meanPairwiseCosine(embeddings));
        } else if (!head.equals("baseline")) {
            throw new IllegalArgumentException("head '" + head + "' unknown; expected baseline, text_guided or"
                    + " cosine_random");
        }
        if (guidance != null) {
            System.out.printf(Locale.ROOT, "class rows: %d x %d from %s, mean pairwise cosine %.4f%n",
                    embeddings.length, embeddings[0].length, guidance.encoder(), guidance.meanPairwiseCosine());
        }

        int batchesPerEpoch = (train.size() + batch - 1) / batch;
        ISchedule schedule = switch (scheduleName) {
            case "cosine" -> new WarmupCosineSchedule(lr, warmupEpochs * batchesPerEpoch, epochs * batchesPerEpoch);
            case "step" -> StepSchedules.atEpochs(lr, gamma, milestoneEpochs, batchesPerEpoch);
            case "constant" -> null;
            default -> throw new IllegalArgumentException("--schedule '" + scheduleName
                    + "' unknown; expected cosine, step or constant");
        };
        IUpdater updater = switch (optimizer) {
            case "sgd" -> schedule == null ? new Nesterovs(lr, momentum) : new Nesterovs(schedule, momentum);
            case "momentum" -> schedule == null ? new MomentumSgd(lr, momentum) : new MomentumSgd(schedule, momentum);
            case "adam" -> schedule == null ? new Adam(lr) : new Adam(schedule);
            default -> throw new IllegalArgumentException("--optimizer '" + optimizer + "' unknown; expected sgd"
                    + " (Nesterov momentum), momentum (classical momentum, PyTorch's SGD) or adam");
        };
        String scheduleText = switch (scheduleName) {
            case "cosine" -> "warm-up " + warmupEpochs + " epoch(s) + cosine to 0";
            case "step" -> "step x" + gamma + " at epochs " + java.util.Arrays.toString(milestoneEpochs);
            default -> "constant";
        };
        String augmentText = augmentation.describe();

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("arch", arch);
        settings.put("head", head);
        settings.put("dataset", datasetId);
        settings.put("train_images", Integer.toString(train.size()));
        settings.put("epochs", Integer.toString(epochs));
        settings.put("batch", Integer.toString(batch));
        settings.put("optimizer", optimizer);
        settings.put("lr", Double.toString(lr));
        settings.put("momentum", Double.toString(momentum));
        settings.put("weight_decay", Double.toString(weightDecay));
        settings.put("schedule", scheduleText);
        settings.put("augment", augmentText);
        settings.put("normalize", Boolean.toString(normalize));
        settings.put("seed", Long.toString(seed));
        settings.put("descriptions", guidance == null ? "-" : guidance.descriptionsSha256());
        if (study || !decayOn.equals("weights")) {
            settings.put("recipe", recipe);
            settings.put("weight_decay_on", decayOn);
        }

        Checkpoints checkpoints = new Checkpoints(checkpointDir != null ? checkpointDir
                : Path.of(out.toString().replaceFirst("\\.zip$", "") + ".checkpoints"));
        Optional<Checkpoints.State> saved = checkpoints.state();
        Model net;
        Checkpoints.State state;
        boolean graph = !lenet;
        if (resume && saved.isPresent()) {
            Checkpoints.requireSameSettings(saved.get(), settings);
            state = saved.get();
            net = checkpoints.load(state, graph);
            System.out.printf(Locale.ROOT, "resuming from %s after epoch %d of %d (%.0f s trained so far)%n",
                    checkpoints.dir(), state.epochsDone(), epochs, state.trainSeconds());
        } else {
            if (saved.isPresent()) {
                throw new IllegalArgumentException("checkpoints of an earlier run are in " + checkpoints.dir()
                        + "; pass --resume to continue it, or delete the directory to start over");
            }
            state = new Checkpoints.State(settings, 0, 0, List.of());
            // With decay on every parameter the listener below applies it; DL4J's own L2 stays off.
            net = Architectures.build(arch, new NetSpec(train.channels(), train.height(), train.width(),
                    classNames.size(), embeddings, updater, decayOn.equals("all") ? 0 : weightDecay, seed));
        }
        System.out.printf(Locale.ROOT, "training %s (%s head) on %s: %d train / %d test images, %d parameters,"
                        + " %d epochs of %d batches, %s %s lr %.4g, convolutions via %s%n", arch, head, datasetId,
                train.size(), test.size(), net.numParams(), epochs, batchesPerEpoch, optimizer, scheduleText, lr,
                Dl4jRuntime.convolutionPath().id());

        if (decayOn.equals("all")) {
            net.setListeners(new DecayAllParameters(weightDecay));
            System.out.printf(Locale.ROOT, "weight decay %.3g on all %d trainable parameter arrays%n", weightDecay,
                    DecayAllParameters.decayedParameters(net).size());
        }
        Trainer trainer = new Trainer(net, train, batch, seed, norm, augmentation)
                .progress(System.out::println, 60).collectEvery(gcEvery, gcGrowthMib << 20);
        long processStart = System.nanoTime();
        double lastEpochSeconds = 0;
        List<Checkpoints.EpochLine> history = new java.util.ArrayList<>(state.history());
        double trainSeconds = state.trainSeconds();
        int done = state.epochsDone();
        boolean budgetHit = false;
        while (done < epochs) {
            double elapsed = (System.nanoTime() - processStart) / 1e9;
            if (elapsed + lastEpochSeconds > budgetSeconds) {
                budgetHit = true;
                break;
            }
            Trainer.EpochStats s = trainer.epoch(done + 1);
            // At the training batch size: a larger one would grow the inference workspace, which the
            // network keeps for the rest of the run (500 images cost a ViT-tiny trainer 4.5 GB).
            Evaluation.Result r = Evaluation.evaluate(net, test, norm, batch);
            done++;
            trainSeconds += s.seconds();
            lastEpochSeconds = s.seconds();
            double rate = updater.getLearningRate(done * batchesPerEpoch - 1, done);
            history.add(new Checkpoints.EpochLine(done, s.meanLoss(), r.accuracy(), s.imagesPerSecond(), s.seconds(),
                    rate));
            checkpoints.save(net, new Checkpoints.State(settings, done, trainSeconds, history));
            System.out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  test-acc %.4f  lr %.4g  %.0f img/s  %.1f s"
                            + "  (checkpoint saved)%n", done, epochs, s.meanLoss(), r.accuracy(), rate,
                    s.imagesPerSecond(), s.seconds());
        }
        if (budgetHit) {
            // A half-trained network must never look like a finished model: only the checkpoints hold it.
            System.out.printf(Locale.ROOT, "time budget of %.0f s reached after epoch %d of %d; %s not written,"
                    + " the run is in %s: rerun with --resume to continue%n", budgetSeconds, done, epochs, out,
                    checkpoints.dir());
            return false;
        }
        Evaluation.Result r = Evaluation.evaluate(net, test, norm, batch);
        String modelId = or(this.modelId, arch + "-" + shortName(datasetId) + "-"
                + switch (head) {
                    case "text_guided" -> "text";
                    case "cosine_random" -> "cosrand";
                    default -> "baseline";
                });
        ModelCard card = new ModelCard(modelId, arch, head, datasetId, classNames,
                List.of(train.channels(), train.height(), train.width()), net.numParams(), null, r.accuracy(),
                test.size(),
                new ModelCard.Training(done, batch, optimizer, lr, weightDecay, seed, train.size(), trainSeconds,
                        done * (double) train.size() / Math.max(trainSeconds, 1e-9), momentum, scheduleText,
                        augmentText, epochs),
                ModelStore.describeLayers(net, test.features(new int[] {0}, norm)), Versions.flipstorm(),
                Versions.dl4j(), guidance, norm, r.meanTop2Diff(), recipe, CardMeasurements.logitScale(net), null,
                test.sha256());
        ModelCard written = ModelStore.save(net, card, out);
        System.out.printf(Locale.ROOT, "saved %s: test accuracy %.4f on %d images, mean golden top2diff %.2f,"
                        + " %d/%d epochs in %.0f s, weights sha256 %s%n", out, r.accuracy(), test.size(),
                r.meanTop2Diff(), done, epochs, trainSeconds, written.weightsSha256());
        return true;
    }

    private static <T> T or(T given, T dflt) {
        return given != null ? given : dflt;
    }

    private static String shortName(String datasetId) {
        return datasetId.equals("fashion-mnist") ? "fmnist" : datasetId;
    }

    private static boolean parseBoolean(String option, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("--" + option + " '" + v + "' is not a boolean;"
                    + " expected true or false");
        };
    }

    /** Parses {@code 90s}, {@code 45m}, {@code 2h} or a sum such as {@code 2h45m} (decimals allowed) into seconds. */
    static double parseDuration(String v) {
        java.util.regex.Matcher m = DURATION_PART.matcher(v.trim().toLowerCase(Locale.ROOT));
        double seconds = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double unit = switch (m.group(2)) {
                case "h" -> 3600;
                case "m" -> 60;
                default -> 1;
            };
            seconds += Double.parseDouble(m.group(1)) * unit;
            end = m.end();
        }
        if (end == 0 || end != v.trim().length() || !(seconds > 0)) {
            throw new IllegalArgumentException("--time-budget '" + v + "' is not a duration; expected e.g. 90s, 45m, 2h"
                    + " or 2h45m");
        }
        return seconds;
    }

    private static final java.util.regex.Pattern DURATION_PART = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)([hms])");
}
