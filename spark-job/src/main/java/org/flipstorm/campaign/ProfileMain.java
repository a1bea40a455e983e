package org.flipstorm.campaign;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.inject.InjectableNetwork;
import org.flipstorm.inject.InjectableNetworks;
import org.flipstorm.inject.RangeProfile;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.cli.ModelCommand;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.store.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code profile}: records each site's activation range over clean images beside the model
 * ({@code NAME.ranges.json}), for INT8 campaigns and the range detector.
 *
 * <p>By default every image of the split is profiled, as the study's tools take the max over the
 * whole training set (a subset can only give a smaller max, hence a tighter detector and a finer
 * INT8 step than the study's).
 */
@Command(name = "profile", sortOptions = false, description = "Records each fault site's activation range over"
        + " clean images beside the model (NAME.ranges.json), for INT8 campaigns and the range detector.")
public final class ProfileMain extends ModelCommand {
    @Option(names = "--dataset", paramLabel = "ID", description = "Dataset (default: the model card's).")
    String dataset;
    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "train",
            description = "train or test (default: ${DEFAULT-VALUE}, as the study's tools).")
    String split;
    @Option(names = "--images", paramLabel = "N", description = "Images to profile (default: the whole split).")
    Integer images;
    @Option(names = "--batch", paramLabel = "N", defaultValue = "100",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    /** Entry point. */
    public static void main(String[] argv) {
        launch(new ProfileMain(), argv);
    }

    @Override
    protected int run() throws IOException, ZooException {
        ModelStore.LoadedModel m = ModelStore.load(model);
        ImageSet set = Datasets.load(dataset == null ? m.card().dataset() : dataset, split, dataDir(),
                m.card().imageLayout());
        RangeProfile p = RangeProfile.profile(InjectableNetworks.of(m.network()), set,
                m.card().inputNormalization(), images == null ? set.size() : Math.min(images, set.size()), batch,
                m.card().modelId(), m.card().weightsSha256());
        Path out = RangeProfile.pathFor(model);
        p.write(out);
        System.out.printf(Locale.ROOT, "profiled %d %s images of %s: %d sites, written to %s%n", p.images(), split,
                set.name(), p.sites().size(), out);
        return Cli.OK;
    }
}
