package org.flipstorm.campaign;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.flipstorm.inject.InjectableNetwork;
import org.flipstorm.inject.RangeProfile;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.cli.Args;
import org.flipstorm.zoo.data.Datasets;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.store.ModelStore;

/**
 * {@code profile}: records each site's activation range over clean images beside the model
 * ({@code NAME.ranges.json}), for INT8 campaigns and the range detector.
 *
 * <pre>profile --model M.zip --dataset fashion-mnist [--data DIR] [--split train] [--images ALL]</pre>
 *
 * <p>By default every image of the split is profiled, as the study's tools take the max over the
 * whole training set (a subset can only give a smaller max, hence a tighter detector and a finer
 * INT8 step than the study's).
 */
public final class ProfileMain {
    private ProfileMain() {}

    /** Entry point. */
    public static void main(String[] argv) {
        Dl4jRuntime.configure();
        try {
            Args a = Args.parse(argv, Set.of("model", "dataset", "data", "split", "images", "batch"));
            Path model = Path.of(a.get("model").orElseThrow(() ->
                    new IllegalArgumentException("option --model is required: the model zip to profile")));
            ModelStore.LoadedModel m = ModelStore.load(model);
            String split = a.get("split", "train");
            ImageSet data = Datasets.load(a.get("dataset", m.card().dataset()), split, a.get("data").map(Path::of));
            RangeProfile p = RangeProfile.profile(InjectableNetwork.of(m.network()), data, m.card().inputNormalization(),
                    Math.min(a.getInt("images", data.size()), data.size()), a.getInt("batch", 100), m.card().modelId(),
                    m.card().weightsSha256());
            Path out = RangeProfile.pathFor(model);
            p.write(out);
            System.out.printf(Locale.ROOT, "profiled %d %s images of %s: %d sites, written to %s%n", p.images(), split,
                    data.name(), p.sites().size(), out);
        } catch (IllegalArgumentException | ZooException e) {
            System.err.println("profile: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("profile: I/O error: " + e.getMessage());
            System.exit(1);
        }
    }
}
