package org.flipstorm.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {
    @TempDir
    Path dir;

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 37 + 11);
        }
        return b;
    }

    @Test
    void plainAndGzipFilesRoundTrip() throws IOException {
        byte[] data = pattern(3 * 4 * 5);
        for (String name : new String[] {"a-idx3-ubyte", "a-idx3-ubyte.gz"}) {
            Path f = dir.resolve(name);
            IdxFiles.write(f, new int[] {3, 4, 5}, data);
            IdxFiles.IdxArray back = IdxFiles.read(f);
            assertArrayEquals(new int[] {3, 4, 5}, back.dims(), name);
            assertArrayEquals(data, back.data(), name);
        }
        byte[] gz = Files.readAllBytes(dir.resolve("a-idx3-ubyte.gz"));
        assertEquals(0x1f, gz[0] & 0xff, "the .gz file is gzip");
    }

    @Test
    void truncatedAndForeignFilesAreRejectedWithTheReason() throws IOException {
        Path f = dir.resolve("t-idx3-ubyte");
        IdxFiles.write(f, new int[] {2, 2, 2}, pattern(8));
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 3));
        IOException e = assertThrows(IOException.class, () -> IdxFiles.read(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path g = dir.resolve("not-idx");
        Files.writeString(g, "hello, world");
        e = assertThrows(IOException.class, () -> IdxFiles.read(g));
        assertTrue(e.getMessage().contains("is not an unsigned-byte idx file"), e.getMessage());
    }

    @Test
    void aDatasetLoadsFromTheConfiguredDirectoryAndScalesPixels() throws Exception {
        ImageSet set = new ImageSet("mnist", "test", 1, 2, 2, new byte[] {0, (byte) 255, 51, 102, 1, 2, 3, 4},
                new int[] {7, 3}, 10);
        SliceCommand.write(set, dir);
        ImageSet back = IdxDataset.MNIST.load("test", Optional.of(dir));
        assertEquals(2, back.size());
        assertEquals(7, back.label(0));
        assertEquals(3, back.label(1));
        float[] px = back.features(new int[] {0}).data().asFloat();
        assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f}, px, 1e-6f);
        assertEquals(1f, back.oneHot(new int[] {1}).getFloat(0, 3));
    }

    @Test
    void aMissingDatasetSaysWhereItLookedAndHowToGetIt() {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> IdxDataset.MNIST.load("train", Optional.of(dir)));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte[.gz]"), e.getMessage());
        String fashion = IdxDataset.FASHION_MNIST.id();
        assertEquals(IdxDataset.FASHION_MNIST, IdxDataset.byId(fashion));
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> IdxDataset.byId("cifar"));
        assertTrue(u.getMessage().contains("fashion-mnist"), u.getMessage());
    }

    @Test
    void theFashionMnistSliceInTheRepositoryReads() throws Exception {
        ImageSet slice = IdxDataset.FASHION_MNIST.load("test", Optional.of(Path.of("data/fashion-mnist-test-500")));
        assertEquals(500, slice.size());
        assertEquals(28, slice.height());
        assertEquals(9, slice.label(0), "the first Fashion-MNIST test image is an ankle boot");
    }
}
