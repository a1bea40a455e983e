package org.flipstorm.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    /** Two 2-channel 4x4 images: channel 0 holds 10 * (y * 4 + x), channel 1 is constant 100 or 200. */
    private static ImageSet tiny() {
        byte[] px = new byte[2 * 2 * 16];
        for (int n = 0; n < 2; n++) {
            for (int i = 0; i < 16; i++) {
                px[n * 32 + i] = (byte) (10 * i);
                px[n * 32 + 16 + i] = (byte) (n == 0 ? 100 : 200);
            }
        }
        return new ImageSet("t", "train", 2, 4, 4, px, new int[] {0, 1}, 2);
    }

    @Test
    void normalisationIsTheTrainingSplitsPerChannelMeanAndSpread() {
        Normalization n = tiny().normalization();
        assertEquals(75 / 255f, n.mean()[0], 1e-6f, "mean of 0, 10, .., 150");
        assertEquals((float) (Math.sqrt(10 * 10 * (16 * 16 - 1) / 12.0) / 255), n.std()[0], 1e-6f);
        assertEquals(150 / 255f, n.mean()[1], 1e-6f);
        assertEquals(50 / 255f, n.std()[1], 1e-6f);
        float[] x = tiny().features(new int[] {1}, n).data().asFloat();
        assertEquals((0 - 75 / 255f) / n.std()[0], x[0], 1e-5f);
        assertEquals((200 / 255f - 150 / 255f) / (50 / 255f), x[16], 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0.5f}, new float[] {0f}));
        assertThrows(IllegalArgumentException.class,
                () -> tiny().features(new int[] {0}, new Normalization(new float[] {0}, new float[] {1})));
    }

    @Test
    void noAugmentationKeepsThePlainPixelsBitForBit() {
        ImageSet t = tiny();
        float[] plain = t.features(new int[] {0, 1}).data().asFloat();
        for (int i = 0; i < 16; i++) {
            assertEquals((10 * i) / 255f, plain[i]);
        }
        assertArrayEquals(plain, t.features(new int[] {0, 1}, null, Augmentation.NONE, 9, 3).data().asFloat());
    }

    @Test
    void cropsShiftWithZeroFillAndFlipsMirrorDeterministicallyPerSeedEpochAndImage() {
        ImageSet t = tiny();
        Augmentation aug = new Augmentation(1, true);
        Set<String> seen = new HashSet<>();
        for (int epoch = 0; epoch < 40; epoch++) {
            float[] a = t.features(new int[] {0}, null, aug, 5, epoch).data().asFloat();
            assertArrayEquals(a, t.features(new int[] {0}, null, aug, 5, epoch).data().asFloat(), "deterministic");
            // every output pixel is either the zero padding or some input pixel of the same channel
            for (int i = 0; i < 16; i++) {
                float v = a[i] * 255f;
                assertTrue(Math.abs(v - Math.round(v / 10) * 10) < 1e-3, "channel 0 value " + v);
                assertTrue(a[16 + i] == 0f || Math.abs(a[16 + i] - 100 / 255f) < 1e-6);
            }
            seen.add(java.util.Arrays.toString(a));
        }
        // 3 x 3 offsets x 2 flips = 18 variants; 40 epochs see many of them
        assertTrue(seen.size() >= 8, seen.size() + " distinct augmentations in 40 epochs");
        assertFalse(java.util.Arrays.equals(t.features(new int[] {0}, null, aug, 5, 1).data().asFloat(),
                t.features(new int[] {0}, null, aug, 6, 1).data().asFloat())
                && java.util.Arrays.equals(t.features(new int[] {0}, null, aug, 5, 2).data().asFloat(),
                t.features(new int[] {0}, null, aug, 6, 2).data().asFloat()), "the seed matters");

        Augmentation flipOnly = new Augmentation(0, true);
        boolean mirrored = false;
        for (int epoch = 0; epoch < 20 && !mirrored; epoch++) {
            float[] f = t.features(new int[] {0}, null, flipOnly, 1, epoch).data().asFloat();
            if (f[0] != 0f) {
                assertEquals(30 / 255f, f[0], 1e-7f, "row 0 read right to left");
                assertEquals(0f, f[3]);
                mirrored = true;
            }
        }
        assertTrue(mirrored, "a fair coin flips at least once in 20 epochs");
    }

    @Test
    void namedAugmentationsAreTheThreeRecipesAndAnUnknownNameIsRefusedWithTheChoices() {
        assertEquals(Augmentation.NONE, Augmentation.named("none"));
        assertEquals(new Augmentation(0, true), Augmentation.named("flip"));
        assertEquals(new Augmentation(4, true), Augmentation.named("crop-flip"));
        assertEquals("none", Augmentation.named("none").describe());
        assertEquals("horizontal flip", Augmentation.named("flip").describe());
        assertEquals("pad-4 random crop + horizontal flip", Augmentation.named("crop-flip").describe());
        assertEquals("pad-2 random crop", new Augmentation(2, false).describe());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.named("mixup"));
        assertTrue(e.getMessage().contains("'mixup'") && e.getMessage().contains("none, flip or crop-flip"),
                e.getMessage());
    }
}
