package org.flipstorm.zoo.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.flipstorm.common.io.AtomicFiles;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.cli.Args;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.train.CardMeasurements;
import org.flipstorm.zoo.train.Evaluation;

/**
 * {@code card}: measures a model again and rewrites its card (the weights are not touched): test
 * accuracy and mean golden top2diff (x100) on the whole test split, the learned logit scale of a
 * cosine head, and every layer's largest |activation| over training images.
 *
 * <pre>
 * card --model M.zip [--data DIR] [--profile-images N (default: the whole training split)] [--recipe NAME]
 * </pre>
 */
public final class CardCommand {
    static final Set<String> OPTIONS = Set.of("model", "data", "profile-images", "recipe");

    private CardCommand() {}

    /** Entry point; one line and exit 2 on bad input. */
    public static void main(String[] argv) {
        Dl4jRuntime.configure();
        try {
            run(Args.parse(argv, OPTIONS));
        } catch (IllegalArgumentException | ZooException e) {
            System.err.println("card: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("card: I/O error: " + e.getMessage());
            System.exit(1);
        }
    }

    static ModelCard run(Args args) throws IOException, ZooException {
        Path zip = Path.of(args.get("model").orElseThrow(() -> new IllegalArgumentException(
                "option --model is required: the model zip whose card to measure")));
        ModelStore.LoadedModel m = ModelStore.load(zip);
        ModelCard old = m.card();
        ImageSet test = Datasets.load(old.dataset(), "test", args.get("data").map(Path::of));
        ImageSet train = Datasets.load(old.dataset(), "train", args.get("data").map(Path::of));
        Evaluation.Result r = Evaluation.evaluate(m.network(), test, old.inputNormalization(), 500);
        int images = Math.min(args.getInt("profile-images", train.size()), train.size());
        ModelCard card = old.withMeasurements(r.accuracy(), test.size(), r.meanTop2Diff(),
                CardMeasurements.logitScale(m.network()),
                CardMeasurements.profile(m.network(), train, old.inputNormalization(), images),
                args.get("recipe").orElse(old.recipe()));
        Path file = ModelStore.cardPath(zip);
        AtomicFiles.write(file, card::write);
        System.out.printf(Locale.ROOT, "%s: test accuracy %.4f on %d images, mean top2diff %.2f, logit scale %s,"
                + " max |activation| of %d layers over %d %s images; card rewritten%n", old.modelId(), r.accuracy(),
                test.size(), r.meanTop2Diff(), card.logitScale() == null ? "-" : String.format(Locale.ROOT, "%.3f",
                card.logitScale()), card.activationProfile().layers().size(), images, train.split());
        return card;
    }
}
