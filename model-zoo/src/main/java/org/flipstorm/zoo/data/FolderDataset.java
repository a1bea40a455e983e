package org.flipstorm.zoo.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images in a class-folder tree, {@code ROOT/CLASS/*.png|jpg|jpeg} (or {@code ROOT/SPLIT/CLASS/...}
 * when ROOT has a folder named after the split), as torchvision's {@code ImageFolder} reads them.
 * Each image is resized to the model's input with bilinear interpolation (pixel centres aligned,
 * as {@code torch.nn.functional.interpolate} with {@code align_corners=False}; no antialiasing),
 * turned grey (ITU-R 601 luma) or RGB to match its channels, and kept as 8-bit values;
 * normalisation comes later from the model card, as for every dataset.
 *
 * <p>Labels follow the model's class names ({@link Layout#classes}): every folder must be one of
 * them ({@link #folderName}: "T-shirt/top" lives in "T-shirt_top"). Images are ordered
 * round-robin over the classes (the first image of each class, then the second, ...), each
 * class's files by name, so that a campaign's first N images cover the classes.
 */
public final class FolderDataset {
    /** The dataset id in campaign configs and on the command line. */
    public static final String ID = "folder";
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private FolderDataset() {}

    /**
     * What the images must become: the model's input shape and its class names in label order.
     *
     * @param channels 1 (grey) or 3 (RGB)
     * @param height rows
     * @param width columns
     * @param classes class names, in the order of the model's outputs
     */
    public record Layout(int channels, int height, int width, List<String> classes) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Validates and copies. */
        public Layout {
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("a folder dataset gives 1 (grey) or 3 (RGB) channels, not "
                        + channels);
            }
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("image size " + height + "x" + width + " must be positive");
            }
            classes = List.copyOf(classes);
        }
    }

    /** The folder whose subfolders are the classes: {@code root/split} when it exists, else root. */
    static Path classRoot(Path root, String split) throws DatasetNotFoundException {
        if (!Files.isDirectory(root)) {
            throw new DatasetNotFoundException("image folder " + root + " does not exist; expected ROOT/CLASS/*.png"
                    + " (or ROOT/" + split + "/CLASS/*.png)");
        }
        Path s = root.resolve(split);
        return Files.isDirectory(s) ? s : root;
    }

    /** Class folder names under {@code root} (or {@code root/split}), sorted: the classes of a new model. */
    public static List<String> classNames(Path root, String split) throws IOException, DatasetNotFoundException {
        try (Stream<Path> s = Files.list(classRoot(root, split))) {
            List<String> names = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            if (names.isEmpty()) {
                throw new DatasetNotFoundException("image folder " + classRoot(root, split) + " has no class"
                        + " folders; expected ROOT/CLASS/*.png");
            }
            return names;
        }
    }

    /** Reads split {@code split} of the tree at {@code root} into the model's {@code layout}. */
    public static ImageSet load(Path root, String split, Layout layout) throws IOException, DatasetNotFoundException {
        Path dir = classRoot(root, split);
        List<List<Path>> byClass = new ArrayList<>();
        for (String name : classNames(root, split)) {
            int label = layout.classes().stream().map(FolderDataset::folderName).toList().indexOf(name);
            if (label < 0) {
                throw new IllegalArgumentException("class folder '" + name + "' in " + dir + " is not one of the"
                        + " model's classes " + layout.classes());
            }
            while (byClass.size() <= label) {
                byClass.add(new ArrayList<>());
            }
            try (Stream<Path> s = Files.list(dir.resolve(name))) {
                byClass.get(label).addAll(s.filter(FolderDataset::isImage).sorted().toList());
            }
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int longest = byClass.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (int c = 0; c < byClass.size(); c++) {
                if (i < byClass.get(c).size()) {
                    files.add(byClass.get(c).get(i));
                    labels.add(c);
                }
            }
        }
        if (files.isEmpty()) {
            throw new DatasetNotFoundException("image folder " + dir + " holds no .png, .jpg or .jpeg files");
        }
        int per = layout.channels() * layout.height() * layout.width();
        byte[] pixels = new byte[files.size() * per];
        for (int i = 0; i < files.size(); i++) {
            decode(files.get(i), layout, pixels, i * per);
        }
        return new ImageSet(ID, split, layout.channels(), layout.height(), layout.width(), pixels,
                labels.stream().mapToInt(Integer::intValue).toArray(), layout.classes().size());
    }

    /**
     * Writes the first {@code count} images of {@code set} as PNG files (grey or RGB) into a
     * class-folder tree under {@code root}, {@code CLASS/NNNNNN.png}: any dataset as the folder
     * dataset reads it, pixel for pixel (e.g. to try a folder campaign on the bundled sample).
     */
    public static void writePngs(ImageSet set, List<String> classes, int count, Path root) throws IOException {
        if (set.channels() != 1 && set.channels() != 3) {
            throw new IllegalArgumentException("PNG folders hold grey or RGB images, not " + set.channels()
                    + " channels");
        }
        int h = set.height();
        int w = set.width();
        for (int i = 0; i < Math.min(count, set.size()); i++) {
            BufferedImage img = new BufferedImage(w, h, set.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY
                    : BufferedImage.TYPE_INT_RGB);
            int base = i * set.imageLength();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = y * w + x;
                    if (set.channels() == 1) {
                        img.getRaster().setSample(x, y, 0, set.pixels()[base + p] & 0xff);
                    } else {
                        img.setRGB(x, y, (set.pixels()[base + p] & 0xff) << 16
                                | (set.pixels()[base + h * w + p] & 0xff) << 8 | (set.pixels()[base + 2 * h * w + p] & 0xff));
                    }
                }
            }
            Path folder = Files.createDirectories(root.resolve(folderName(classes.get(set.label(i)))));
            ImageIO.write(img, "png", folder.resolve(String.format(Locale.ROOT, "%06d.png", i)).toFile());
        }
    }

    /** The folder of class {@code className}: its name, with '/' (which no folder name holds) as '_'. */
    public static String folderName(String className) {
        return className.replace('/', '_');
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /** Decodes one file into {@code out} at {@code offset}, CHW, resized and converted. */
    static void decode(Path file, Layout layout, byte[] out, int offset) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + " is not a readable PNG or JPEG image");
        }
        int w0 = img.getWidth();
        int h0 = img.getHeight();
        boolean grey = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
        float[][] planes = new float[grey ? 1 : 3][w0 * h0];
        for (int y = 0; y < h0; y++) {
            for (int x = 0; x < w0; x++) {
                if (grey) {
                    // the raster, not getRGB: Java converts TYPE_BYTE_GRAY to sRGB with a gamma curve
                    planes[0][y * w0 + x] = img.getRaster().getSample(x, y, 0);
                } else {
                    int rgb = img.getRGB(x, y);
                    planes[0][y * w0 + x] = (rgb >> 16) & 0xff;
                    planes[1][y * w0 + x] = (rgb >> 8) & 0xff;
                    planes[2][y * w0 + x] = rgb & 0xff;
                }
            }
        }
        int h = layout.height();
        int w = layout.width();
        float[][] resized = new float[planes.length][];
        for (int c = 0; c < planes.length; c++) {
            resized[c] = w0 == w && h0 == h ? planes[c] : bilinear(planes[c], w0, h0, w, h);
        }
        for (int c = 0; c < layout.channels(); c++) {
            for (int i = 0; i < h * w; i++) {
                float v;
                if (layout.channels() == 1 && resized.length == 3) {
                    v = 0.299f * resized[0][i] + 0.587f * resized[1][i] + 0.114f * resized[2][i];
                } else {
                    v = resized[resized.length == 1 ? 0 : c][i];
                }
                out[offset + c * h * w + i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
            }
        }
    }

    /** Bilinear resize with pixel centres aligned ({@code align_corners=False}), no antialiasing. */
    static float[] bilinear(float[] src, int w0, int h0, int w, int h) {
        float[] dst = new float[w * h];
        float sy = (float) h0 / h;
        float sx = (float) w0 / w;
        for (int y = 0; y < h; y++) {
            float fy = Math.max(0, (y + 0.5f) * sy - 0.5f);
            int y0 = Math.min((int) fy, h0 - 1);
            int y1 = Math.min(y0 + 1, h0 - 1);
            float dy = fy - y0;
            for (int x = 0; x < w; x++) {
                float fx = Math.max(0, (x + 0.5f) * sx - 0.5f);
                int x0 = Math.min((int) fx, w0 - 1);
                int x1 = Math.min(x0 + 1, w0 - 1);
                float dx = fx - x0;
                float top = src[y0 * w0 + x0] * (1 - dx) + src[y0 * w0 + x1] * dx;
                float bottom = src[y1 * w0 + x0] * (1 - dx) + src[y1 * w0 + x1] * dx;
                dst[y * w + x] = top * (1 - dy) + bottom * dy;
            }
        }
        return dst;
    }
}
