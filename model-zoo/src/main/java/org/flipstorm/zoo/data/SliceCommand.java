package org.flipstorm.zoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.flipstorm.zoo.cli.Args;

/**
 * {@code slice}: writes the first N images of an idx dataset split as a small idx dataset (gzip),
 * the form in which FlipStorm keeps test and default-campaign data in the repository.
 *
 * <pre>slice --dataset fashion-mnist [--data DIR] --split test --count 500 --out DIR</pre>
 */
public final class SliceCommand {
    private SliceCommand() {}

    /** Entry point. */
    public static void main(String[] argv) throws IOException {
        try {
            Args args = Args.parse(argv, Set.of("dataset", "data", "split", "count", "out"));
            IdxDataset dataset = IdxDataset.byId(args.get("dataset", IdxDataset.FASHION_MNIST.id()));
            String split = args.get("split", "test");
            ImageSet all = dataset.load(split, args.get("data").map(Path::of));
            ImageSet slice = all.head(args.getInt("count", 500));
            Path out = Path.of(args.get("out").orElseThrow(() ->
                    new IllegalArgumentException("option --out is required: the directory to write")));
            write(slice, out);
            System.out.println("wrote " + slice.size() + " " + split + " images of " + dataset.id() + " to " + out);
        } catch (IllegalArgumentException | DatasetNotFoundException e) {
            System.err.println("slice: " + e.getMessage());
            System.exit(2);
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
