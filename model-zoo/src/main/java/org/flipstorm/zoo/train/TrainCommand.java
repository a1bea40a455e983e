package org.flipstorm.zoo.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.cli.Args;
import org.flipstorm.zoo.data.IdxDataset;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.runtime.Versions;
import org.flipstorm.zoo.store.ModelCard;
import org.flipstorm.zoo.store.ModelStore;
import org.flipstorm.zoo.text.ClassDescriptions;
import org.flipstorm.zoo.text.TextEmbeddings;

/**
 * {@code train}: trains a zoo model and saves it with its model card.
 *
 * <pre>
 * train --arch lenet --dataset fashion-mnist [--data DIR] [--epochs 10] [--batch 128]
 *       [--lr 0.001] [--seed 42] [--model-id ID] [--head baseline|text_guided]
 *       [--descriptions FILE] [--embedding-cache DIR] --out model-zoo/models/NAME.zip
 * </pre>
 */
public final class TrainCommand {
    private static final Set<String> OPTIONS =
            Set.of("arch", "dataset", "data", "epochs", "batch", "lr", "seed", "out", "model-id", "train-limit", "head",
                    "descriptions", "embedding-cache");

    private TrainCommand() {}

    /** Entry point; exits non-zero with one line on bad input. */
    public static void main(String[] argv) {
        Dl4jRuntime.configure();
        try {
            run(Args.parse(argv, OPTIONS));
        } catch (IllegalArgumentException | ZooException e) {
            System.err.println("train: " + e.getMessage());
            System.exit(2);
        } catch (java.io.IOException e) {
            System.err.println("train: I/O error: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(Args args) throws java.io.IOException, ZooException {
        String arch = args.get("arch", LeNet.ARCHITECTURE);
        if (!arch.equals(LeNet.ARCHITECTURE)) {
            throw new IllegalArgumentException("architecture '" + arch + "' unknown; expected one of [lenet]");
        }
        IdxDataset dataset = IdxDataset.byId(args.get("dataset", IdxDataset.FASHION_MNIST.id()));
        Optional<Path> dataDir = args.get("data").map(Path::of);
        Path out = Path.of(args.get("out").orElseThrow(() -> new IllegalArgumentException(
                "option --out is required: where to write the model zip, e.g. model-zoo/models/lenet.zip")));
        int epochs = args.getInt("epochs", 10);
        int batch = args.getInt("batch", 128);
        double lr = args.getDouble("lr", 1e-3);
        long seed = args.getInt("seed", 42);
        if (epochs < 1 || batch < 1) {
            throw new IllegalArgumentException("--epochs " + epochs + " and --batch " + batch + " must be >= 1");
        }

        ImageSet train = dataset.load("train", dataDir);
        int limit = args.getInt("train-limit", train.size());
        if (limit < train.size()) {
            train = train.head(limit);
        }
        ImageSet test = dataset.load("test", dataDir);
        LeNet.Options opts = new LeNet.Options(train.channels(), train.height(), train.width(), train.numClasses(),
                20, 50, 500, lr, 1e-4, seed);
        String head = args.get("head", "baseline");
        ModelCard.TextGuidance guidance = null;
        float[][] embeddings = null;
        if (head.equals("text_guided")) {
            ClassDescriptions descriptions = args.get("descriptions").isPresent()
                    ? ClassDescriptions.read(Path.of(args.get("descriptions").get()))
                    : ClassDescriptions.bundled(dataset.id());
            descriptions.checkCovers(dataset.classNames(), 1);
            embeddings = TextEmbeddings.embedCached(descriptions, dataset.classNames(),
                    Path.of(args.get("embedding-cache", "target/embedding-cache")));
            guidance = new ModelCard.TextGuidance(TextEmbeddings.ENCODER_ID, descriptions.sha256(),
                    TextEmbeddings.meanPairwiseCosine(embeddings));
            System.out.printf(Locale.ROOT, "class embeddings: %d x %d from %s, mean pairwise cosine %.4f%n",
                    embeddings.length, embeddings[0].length, TextEmbeddings.ENCODER_ID, guidance.meanPairwiseCosine());
        } else if (!head.equals("baseline")) {
            throw new IllegalArgumentException("head '" + head + "' unknown; expected baseline or text_guided");
        }
        MultiLayerNetwork net = LeNet.build(opts, embeddings);
        System.out.printf(Locale.ROOT, "training %s on %s: %d train / %d test images, %d parameters, %d epochs,"
                        + " convolutions via %s%n", arch, dataset.id(), train.size(), test.size(), net.numParams(),
                epochs, Dl4jRuntime.convolutionPath().id());

        long t0 = System.nanoTime();
        Trainer trainer = new Trainer(net, train, batch, seed);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            Trainer.EpochStats s = trainer.epoch();
            double testAcc = Evaluation.accuracy(net, test, 1000);
            System.out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  train-acc %.4f  test-acc %.4f  %.0f img/s"
                            + "  %.1f s%n", epoch, epochs, s.meanLoss(), s.accuracy(), testAcc, s.imagesPerSecond(),
                    s.seconds());
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        double testAcc = Evaluation.accuracy(net, test, 1000);
        String modelId = args.get("model-id", arch + "-" + shortName(dataset) + "-"
                + (guidance == null ? "baseline" : "text"));
        ModelCard card = new ModelCard(modelId, arch, head, dataset.id(), dataset.classNames(),
                List.of(train.channels(), train.height(), train.width()), net.numParams(), null, testAcc,
                test.size(),
                new ModelCard.Training(epochs, batch, "adam", lr, opts.weightDecay(), seed, train.size(),
                        trainSeconds, (double) epochs * train.size() / trainSeconds),
                ModelStore.describeLayers(net, test.features(new int[] {0})), Versions.flipstorm(),
                Versions.dl4j(), guidance);
        ModelCard written = ModelStore.save(net, card, out);
        System.out.printf(Locale.ROOT, "saved %s (test accuracy %.4f on %d images, weights sha256 %s) and %s%n",
                out, testAcc, test.size(), written.weightsSha256(), ModelStore.cardPath(out));
    }

    private static String shortName(IdxDataset d) {
        return d == IdxDataset.FASHION_MNIST ? "fmnist" : d.id();
    }
}
