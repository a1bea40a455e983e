package org.flipstorm.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {
    @TempDir
    Path dir;

    @Test
    void theOfficialBinaryLayoutReadsLabelsAndPlanes() throws Exception {
        byte[] file = new byte[3 * 3073];
        for (int r = 0; r < 3; r++) {
            file[r * 3073] = (byte) (r * 4);
            for (int i = 0; i < 3072; i++) {
                file[r * 3073 + 1 + i] = (byte) (i / 1024 * 100 + r);
            }
        }
        Path sub = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        Files.write(sub.resolve("test_batch.bin"), file);
        ImageSet set = Datasets.load("cifar10", "test", Optional.of(dir));
        assertEquals(3, set.size());
        assertEquals(3, set.channels());
        assertEquals(8, set.label(2));
        float[] px = set.features(new int[] {1}).data().asFloat();
        assertEquals(1 / 255f, px[0], 1e-7f, "R plane of image 1");
        assertEquals(101 / 255f, px[1024], 1e-7f, "G plane");
        assertEquals(201 / 255f, px[2048 + 5], 1e-7f, "B plane");

        Files.write(sub.resolve("test_batch.bin"), new byte[3073 + 5]);
        IOException e = assertThrows(IOException.class, () -> Datasets.load("cifar10", "test", Optional.of(dir)));
        assertTrue(e.getMessage().contains("not a whole number of 3073-byte records"), e.getMessage());
    }

    @Test
    void aClassFolderTreeReadsRoundRobinOverClassesWithExactPixels() throws Exception {
        write(dir.resolve("test/cat/0001.png"), 0x102030);
        write(dir.resolve("test/airplane/0002.png"), 0xFF0080);
        write(dir.resolve("test/airplane/0001.png"), 0x00FF00);
        ImageSet set = Cifar10.load("test", Optional.of(dir));
        assertEquals(3, set.size());
        // airplane/0001, cat/0001, airplane/0002: one image of each class in turn
        assertArrayEquals(new int[] {0, 3, 0}, new int[] {set.label(0), set.label(1), set.label(2)});
        assertEquals(1f, set.features(new int[] {2}).data().asFloat()[0], "airplane/0002.png is magenta");
        float[] first = set.features(new int[] {0}).data().asFloat();
        assertEquals(0f, first[0]);
        assertEquals(1f, first[1024], "airplane/0001.png is green");
        float[] cat = set.features(new int[] {1}).data().asFloat();
        assertEquals(0x10 / 255f, cat[0], 1e-7f);
        assertEquals(0x20 / 255f, cat[1024 + 77], 1e-7f);
        assertEquals(0x30 / 255f, cat[2048 + 1023], 1e-7f);

        write(dir.resolve("test/dragon/1.png"), 0);
        IOException e = assertThrows(IOException.class, () -> Cifar10.load("test", Optional.of(dir)));
        assertTrue(e.getMessage().contains("is not a CIFAR-10 class"), e.getMessage());
    }

    @Test
    void npmsPngBatchesReadAsTheSameImagesAsTheBinaryRecordsTheyHold() throws Exception {
        // Three images with distinct pixels everywhere, written once as binary records and once as
        // PNG rows (pixel p of row r = image r's red, green and blue planes at p).
        byte[] records = new byte[3 * 3073];
        BufferedImage rows = new BufferedImage(1024, 3, BufferedImage.TYPE_INT_RGB);
        int[] labels = {7, 0, 9};
        for (int r = 0; r < 3; r++) {
            records[r * 3073] = (byte) labels[r];
            for (int p = 0; p < 1024; p++) {
                int red = (p * 7 + r) & 0xFF;
                int green = (p / 4 + 31 * r) & 0xFF;
                int blue = (255 - p % 256 + r) & 0xFF;
                records[r * 3073 + 1 + p] = (byte) red;
                records[r * 3073 + 1 + 1024 + p] = (byte) green;
                records[r * 3073 + 1 + 2048 + p] = (byte) blue;
                rows.setRGB(p, r, red << 16 | green << 8 | blue);
            }
        }
        Path binary = Files.createDirectories(dir.resolve("bin"));
        Files.write(binary.resolve("test_batch.bin"), records);
        Path npm = Files.createDirectories(dir.resolve("npm/package"));
        ImageIO.write(rows, "png", npm.resolve("test_batch.png").toFile());
        Files.writeString(npm.resolve("test_lables.json"), "[7,0,9]");

        ImageSet expected = Cifar10.load("test", Optional.of(binary));
        ImageSet png = Cifar10.load("test", Optional.of(dir.resolve("npm")));
        assertEquals(3, png.size());
        for (int r = 0; r < 3; r++) {
            assertEquals(labels[r], png.label(r));
            assertArrayEquals(expected.features(new int[] {r}).data().asFloat(),
                    png.features(new int[] {r}).data().asFloat(), "image " + r);
        }
        // The fingerprint a model card records is the hash of the official file, whatever the layout.
        String fileHash = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(records));
        assertEquals(fileHash, expected.sha256());
        assertEquals(fileHash, png.sha256());
        assertTrue(!fileHash.equals(expected.head(2).sha256()), "two of the three images hash differently");

        Files.writeString(npm.resolve("test_lables.json"), "[7,0]");
        IOException count = assertThrows(IOException.class, () -> Cifar10.load("test", Optional.of(npm)));
        assertTrue(count.getMessage().contains("holds 2 labels for 3 images"), count.getMessage());
        Files.writeString(npm.resolve("test_lables.json"), "[7,0,10]");
        IOException range = assertThrows(IOException.class, () -> Cifar10.load("test", Optional.of(npm)));
        assertTrue(range.getMessage().contains("entry 2 is 10; expected 0..9"), range.getMessage());
        Files.delete(npm.resolve("test_lables.json"));
        IOException missing = assertThrows(IOException.class, () -> Cifar10.load("test", Optional.of(npm)));
        assertTrue(missing.getMessage().contains("test_lables.json missing"), missing.getMessage());
    }

    @Test
    void aMissingSplitSaysWhatItExpected() {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> Cifar10.load("train", Optional.of(dir)));
        assertTrue(e.getMessage().contains("data_batch_1..5.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("data_batch_1..5.png with train_lables.json"), e.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
                () -> Datasets.load("imagenet", "test", Optional.of(dir)));
        assertTrue(u.getMessage().contains("cifar10"), u.getMessage());
    }

    private static void write(Path file, int rgb) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }
}
