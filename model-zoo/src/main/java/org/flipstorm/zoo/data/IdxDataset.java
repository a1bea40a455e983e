package org.flipstorm.zoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The idx-format datasets FlipStorm knows (MNIST and Fashion-MNIST), and where it looks for them.
 *
 * <p>Search order: the directory the user configured, then the dataset's system directory (for
 * Fashion-MNIST {@code /usr/share/datasets/fashion-mnist}, from Debian's
 * {@code dataset-fashion-mnist}). Files may be plain or {@code .gz}.
 */
public enum IdxDataset {
    FASHION_MNIST("fashion-mnist", "/usr/share/datasets/fashion-mnist",
            "apt-get install dataset-fashion-mnist",
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")),
    MNIST("mnist", null,
            "download the four idx files of MNIST into a directory and pass it as the data path",
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));

    private final String id;
    private final String systemDir;
    private final String howToGet;
    private final List<String> classNames;

    IdxDataset(String id, String systemDir, String howToGet, List<String> classNames) {
        this.id = id;
        this.systemDir = systemDir;
        this.howToGet = howToGet;
        this.classNames = classNames;
    }

    /** Stable id used in configs and model cards, e.g. {@code fashion-mnist}. */
    public String id() {
        return id;
    }

    /** Class names in label order. */
    public List<String> classNames() {
        return classNames;
    }

    /** Looks a dataset up by its id. */
    public static IdxDataset byId(String id) {
        for (IdxDataset d : values()) {
            if (d.id.equals(id.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown idx dataset '" + id + "'; expected one of "
                + Arrays.stream(values()).map(IdxDataset::id).toList());
    }

    /**
     * Loads a split ({@code train} or {@code test}) from the first place that has it.
     *
     * @param configuredDir a directory the user named, searched first
     * @throws DatasetNotFoundException when no searched place has both files of the split
     */
    public ImageSet load(String split, Optional<Path> configuredDir) throws IOException, DatasetNotFoundException {
        String prefix = switch (split) {
            case "train" -> "train";
            case "test" -> "t10k";
            default -> throw new IllegalArgumentException("split '" + split + "' unknown; expected train or test");
        };
        List<Path> searched = new ArrayList<>();
        configuredDir.ifPresent(searched::add);
        if (systemDir != null) {
            searched.add(Path.of(systemDir));
        }
        for (Path dir : searched) {
            Optional<Path> images = find(dir, prefix + "-images-idx3-ubyte");
            Optional<Path> labels = find(dir, prefix + "-labels-idx1-ubyte");
            if (images.isPresent() && labels.isPresent()) {
                return read(split, images.get(), labels.get());
            }
        }
        throw new DatasetNotFoundException(String.format(
                "%s %s split not found in %s; expected %s-images-idx3-ubyte[.gz] and %s-labels-idx1-ubyte[.gz]."
                        + " To get it: %s, or pass the directory that holds the files.",
                id, split, searched, prefix, prefix, howToGet));
    }

    private ImageSet read(String split, Path imagesFile, Path labelsFile) throws IOException {
        IdxFiles.IdxArray images = IdxFiles.read(imagesFile);
        IdxFiles.IdxArray labels = IdxFiles.read(labelsFile);
        if (images.dims().length != 3) {
            throw new IOException(imagesFile + " has rank " + images.dims().length + "; expected 3 (n, rows, cols)");
        }
        if (labels.dims().length != 1 || labels.dims()[0] != images.dims()[0]) {
            throw new IOException(labelsFile + " holds " + Arrays.toString(labels.dims())
                    + " labels but " + imagesFile + " holds " + images.dims()[0] + " images");
        }
        int[] y = new int[labels.data().length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.data()[i] & 0xFF;
        }
        return new ImageSet(id, split, 1, images.dims()[1], images.dims()[2], images.data(), y, classNames.size());
    }

    private static Optional<Path> find(Path dir, String base) {
        for (String name : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
