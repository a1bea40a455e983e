package org.flipstorm.zoo.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import org.flipstorm.common.io.AtomicFiles;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.train.CardMeasurements;
import org.flipstorm.zoo.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code card}: measures a model again and rewrites its card (the weights are not touched): test
 * accuracy and mean golden top2diff (x100) on the whole test split, the learned logit scale of a
 * cosine head, and every layer's largest |activation| over training images.
 */
@Command(name = "card", sortOptions = false, description = "Measures a model again and rewrites its card (weights"
        + " untouched): test accuracy and mean golden top2diff (x100) on the whole test split, the learned logit scale"
        + " of a cosine head, and every layer's largest |activation| over training images.")
public final class CardCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;
    @Option(names = "--model", paramLabel = "FILE", required = true, description = "The model zip (its card beside it).")
    Path zip;
    @Option(names = "--data", paramLabel = "DIR", description = "Dataset directory (default: the bundled sample).")
    Path data;
    @Option(names = "--profile-images", paramLabel = "N",
            description = "Training images of the activation profile (default: the whole training split).")
    Integer profileImages;
    @Option(names = "--recipe", paramLabel = "NAME", description = "Recipe to record (default: the card's).")
    String recipe;

    /** Entry point. */
    public static void main(String[] argv) {
        Dl4jRuntime.configure();
        Cli.main(new CardCommand(), argv);
    }

    @Override
    public Integer call() throws IOException {
        Dl4jRuntime.requireBackend();
        try {
            measure();
            return Cli.OK;
        } catch (ZooException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Parses {@code argv} and rewrites the card (for tests). */
    static ModelCard run(String... argv) throws IOException, ZooException {
        return CommandLine.populateCommand(new CardCommand(), argv).measure();
    }

    ModelCard measure() throws IOException, ZooException {
        ModelStore.LoadedModel m = ModelStore.load(zip);
        ModelCard old = m.card();
        ImageSet test = Datasets.load(old.dataset(), "test", Optional.ofNullable(data));
        ImageSet train = Datasets.load(old.dataset(), "train", Optional.ofNullable(data));
        Evaluation.Result r = Evaluation.evaluate(m.network(), test, old.inputNormalization(), 500);
        int images = Math.min(profileImages == null ? train.size() : profileImages, train.size());
        ModelCard card = old.withMeasurements(r.accuracy(), test.size(), r.meanTop2Diff(),
                CardMeasurements.logitScale(m.network()),
                CardMeasurements.profile(m.network(), train, old.inputNormalization(), images),
                recipe == null ? old.recipe() : recipe);
        Path file = ModelStore.cardPath(zip);
        AtomicFiles.write(file, card::write);
        System.out.printf(Locale.ROOT, "%s: test accuracy %.4f on %d images, mean top2diff %.2f, logit scale %s,"
                + " max |activation| of %d layers over %d %s images; card rewritten%n", old.modelId(), r.accuracy(),
                test.size(), r.meanTop2Diff(), card.logitScale() == null ? "-" : String.format(Locale.ROOT, "%.3f",
                card.logitScale()), card.activationProfile().layers().size(), images, train.split());
        return card;
    }
}
