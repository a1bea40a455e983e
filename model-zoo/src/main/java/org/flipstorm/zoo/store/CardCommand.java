package org.flipstorm.zoo.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.io.AtomicFiles;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.cli.ModelCommand;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.train.CardMeasurements;
import org.flipstorm.zoo.train.Evaluation;
import picocli.CommandLine.Command;
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
public final class CardCommand extends ModelCommand {
    @Option(names = "--profile-images", paramLabel = "N",
            description = "Training images of the activation profile (default: the whole training split).")
    Integer profileImages;
    @Option(names = "--recipe", paramLabel = "NAME", description = "Recipe to record (default: the card's).")
    String recipe;

    /** Entry point. */
    public static void main(String[] argv) {
        launch(new CardCommand(), argv);
    }

    @Override
    protected int run() throws IOException, ZooException {
        measure();
        return Cli.OK;
    }

    /** Parses {@code argv} and rewrites the card (for tests). */
    static ModelCard run(String... argv) throws IOException, ZooException {
        return CommandLine.populateCommand(new CardCommand(), argv).measure();
    }

    ModelCard measure() throws IOException, ZooException {
        ModelStore.LoadedModel m = ModelStore.load(model);
        ModelCard old = m.card();
        ImageSet test = Datasets.load(old.dataset(), "test", dataDir(), old.imageLayout());
        ImageSet train = Datasets.load(old.dataset(), "train", dataDir(), old.imageLayout());
        Evaluation.Result r = Evaluation.evaluate(m.network(), test, old.inputNormalization(), 500);
        int images = Math.min(profileImages == null ? train.size() : profileImages, train.size());
        ModelCard card = old.withMeasurements(r.accuracy(), test.size(), test.sha256(), r.meanTop2Diff(),
                CardMeasurements.logitScale(m.network()),
                CardMeasurements.profile(m.network(), train, old.inputNormalization(), images),
                recipe == null ? old.recipe() : recipe);
        Path file = ModelStore.cardPath(model);
        AtomicFiles.write(file, card::write);
        System.out.printf(Locale.ROOT, "%s: test accuracy %.4f on %d images, mean top2diff %.2f, logit scale %s,"
                + " max |activation| of %d layers over %d %s images; card rewritten%n", old.modelId(), r.accuracy(),
                test.size(), r.meanTop2Diff(), card.logitScale() == null ? "-" : String.format(Locale.ROOT, "%.3f",
                card.logitScale()), card.activationProfile().layers().size(), images, train.split());
        return card;
    }
}
