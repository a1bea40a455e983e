package org.flipstorm.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class-folder trees of PNG and JPEG files read as a model needs them. */
class FolderDatasetTest {
    private static final Path SLICE = Path.of("data/fashion-mnist-test-500");

    @TempDir
    Path dir;

    /** The first {@code n} bundled Fashion-MNIST test images as PNGs under {@code root} (or root/split). */
    static ImageSet writeFashionMnistPngs(Path root, String split, int n) throws Exception {
        ImageSet set = Datasets.load("fashion-mnist", "test", Optional.of(SLICE));
        FolderDataset.writePngs(set, Datasets.classNames("fashion-mnist"), n, split == null ? root : root.resolve(split));
        return set;
    }

    @Test
    void greyPngsOfTheModelsSizeReadBackExactlyRoundRobinOverTheClasses() throws Exception {
        ImageSet original = writeFashionMnistPngs(dir, "test", 60);
        List<String> classes = Datasets.classNames("fashion-mnist");
        ImageSet read = Datasets.load(FolderDataset.ID, "test", Optional.of(dir),
                new FolderDataset.Layout(1, 28, 28, classes));
        assertEquals(60, read.size());
        // round robin: the first ten images are one of each class present, in label order
        List<Integer> firstLabels = java.util.Arrays.stream(read.labels()).limit(10).boxed().toList();
        assertEquals(firstLabels.stream().sorted().distinct().toList(), firstLabels, "one per class, in order");
        for (int i = 0; i < read.size(); i++) {
            // find the original by content: every read image is one of the first 60, with its label
            byte[] img = java.util.Arrays.copyOfRange(read.pixels(), i * 784, (i + 1) * 784);
            boolean found = false;
            for (int j = 0; j < 60 && !found; j++) {
                found = original.label(j) == read.label(i) && java.util.Arrays.equals(img,
                        java.util.Arrays.copyOfRange(original.pixels(), j * 784, (j + 1) * 784));
            }
            assertTrue(found, "image " + i + " is an original, pixel for pixel, with its label");
        }
    }

    @Test
    void rgbJpegsAreResizedAndTurnedGreyOrKeptRgb() throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, 200 << 16 | 100 << 8 | 50); // a flat colour survives JPEG and resizing
            }
        }
        Files.createDirectories(dir.resolve("cat"));
        ImageIO.write(img, "jpg", dir.resolve("cat/a.jpg").toFile());
        ImageSet rgb = Datasets.load(FolderDataset.ID, "test", Optional.of(dir),
                new FolderDataset.Layout(3, 32, 32, List.of("dog", "cat")));
        assertEquals(1, rgb.size());
        assertEquals(1, rgb.label(0), "labels follow the model's class order");
        int[] mid = {rgb.pixels()[16 * 32 + 16] & 0xff, rgb.pixels()[1024 + 16 * 32 + 16] & 0xff,
                rgb.pixels()[2048 + 16 * 32 + 16] & 0xff};
        assertArrayEquals(new int[] {200, 100, 50}, mid, 3, "R, G, B planes within JPEG's error");
        ImageSet grey = Datasets.load(FolderDataset.ID, "test", Optional.of(dir),
                new FolderDataset.Layout(1, 10, 10, List.of("dog", "cat")));
        assertEquals(Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50), grey.pixels()[55] & 0xff, 3.0);
    }

    private static void assertArrayEquals(int[] expected, int[] actual, int tolerance, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance, what + ": " + java.util.Arrays.toString(actual));
        }
    }

    @Test
    void bilinearResizeMatchesTheAlignCornersFalseConvention() {
        // 2x1 -> 4x1: centres at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped) of the source
        float[] out = FolderDataset.bilinear(new float[] {0, 100}, 2, 1, 4, 1);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0, 25, 75, 100}, out, 1e-4f);
    }

    @Test
    void aFolderThatIsNoClassOfTheModelAndAMissingTreeAreNamed() throws Exception {
        writeFashionMnistPngs(dir, null, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FolderDataset.load(dir,
                "test", new FolderDataset.Layout(1, 28, 28, List.of("a", "b"))));
        assertTrue(e.getMessage().startsWith("class folder '") && e.getMessage().contains("is not one of the model's"
                + " classes [a, b]"), e.getMessage());
        DatasetNotFoundException missing = assertThrows(DatasetNotFoundException.class, () -> FolderDataset.load(
                dir.resolve("nope"), "test", new FolderDataset.Layout(1, 28, 28, List.of("a"))));
        assertTrue(missing.getMessage().contains("does not exist; expected ROOT/CLASS/*.png"), missing.getMessage());
    }
}
