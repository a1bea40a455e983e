package org.flipstorm.zoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code slice}: writes the first N images of an idx dataset split as a small idx dataset (gzip),
 * the form in which FlipStorm keeps test and default-campaign data in the repository.
 */
@Command(name = "slice", sortOptions = false,
        description = "Writes the first N images of an idx dataset split (Fashion-MNIST, MNIST) as a small gzip idx"
                + " dataset, the form in which test and default-campaign data are kept in the repository.")
public final class SliceCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;
    @Option(names = "--dataset", paramLabel = "ID", defaultValue = "fashion-mnist",
            description = "Idx dataset id (default: ${DEFAULT-VALUE}).")
    String dataset;
    @Option(names = "--data", paramLabel = "DIR", description = "Directory of the full dataset.")
    Path data;
    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "train or test (default: ${DEFAULT-VALUE}).")
    String split;
    @Option(names = "--count", paramLabel = "N", defaultValue = "500",
            description = "Images to keep, from the first (default: ${DEFAULT-VALUE}).")
    int count;
    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write.")
    Path out;

    /** Entry point. */
    public static void main(String[] argv) {
        Cli.main(new SliceCommand(), argv);
    }

    @Override
    public Integer call() throws IOException {
        try {
            IdxDataset d = IdxDataset.byId(dataset);
            ImageSet slice = d.load(split, java.util.Optional.ofNullable(data)).head(count);
            write(slice, out);
            System.out.println("wrote " + slice.size() + " " + split + " images of " + d.id() + " to " + out);
            return Cli.OK;
        } catch (DatasetNotFoundException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Writes {@code set} as gzip idx files named like the original split's files. */
    public static void write(ImageSet set, Path dir) throws IOException {
        Files.createDirectories(dir);
        String prefix = set.split().equals("train") ? "train" : "t10k";
        IdxFiles.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"),
                new int[] {set.size(), set.height(), set.width()}, set.pixels());
        byte[] labels = new byte[set.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) set.label(i);
        }
        IdxFiles.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), new int[] {set.size()}, labels);
    }
}
