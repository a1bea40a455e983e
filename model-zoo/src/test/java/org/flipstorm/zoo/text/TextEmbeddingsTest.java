package org.flipstorm.zoo.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.flipstorm.zoo.data.Cifar10;
import org.flipstorm.zoo.data.Cifar100;
import org.flipstorm.zoo.data.IdxDataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextEmbeddingsTest {
    @TempDir
    Path dir;

    static Stream<Arguments> bundledSets() {
        return Stream.of(Arguments.of("fashion-mnist", IdxDataset.FASHION_MNIST.classNames()),
                Arguments.of("cifar10", Cifar10.CLASSES), Arguments.of("cifar100", Cifar100.CLASSES));
    }

    @ParameterizedTest
    @MethodSource("bundledSets")
    void eachBundledDescriptionsFileCoversEveryClassFiveTimesAndSeparatesThem(String dataset, List<String> classes)
            throws Exception {
        ClassDescriptions d = ClassDescriptions.bundled(dataset);
        d.checkCovers(classes, 5);
        assertEquals(classes.size(), d.descriptions().size(), "no class beyond the dataset's");
        float[][] rows = TextEmbeddings.embedCached(d, classes, dir);
        double mean = TextEmbeddings.meanPairwiseCosine(rows);
        assertTrue(mean > 0 && mean < 0.6, dataset + ": mean pairwise cosine " + mean);
        System.out.printf("%s class embeddings: mean pairwise cosine %.4f%n", dataset, mean);
    }

    @Test
    void embeddingsAreDeterministicUnitNormPerSentenceCachedAndSeparated() throws Exception {
        ClassDescriptions one = ClassDescriptions.parse("[a]\nA red apple on a table.\n[b]\nA cargo ship at sea.\n", "t");
        float[][] rows = TextEmbeddings.embed(one, List.of("a", "b"));
        assertEquals(TextEmbeddings.DIMENSIONS, rows[0].length);
        double norm = 0;
        for (float v : rows[0]) {
            norm += v * v;
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-4, "a single sentence's embedding is unit norm");
        assertArrayEquals(rows[1], TextEmbeddings.embed(one, List.of("a", "b"))[1], "deterministic");

        ClassDescriptions fm = ClassDescriptions.bundled("fashion-mnist");
        List<String> classes = IdxDataset.FASHION_MNIST.classNames();
        float[][] first = TextEmbeddings.embedCached(fm, classes, dir);
        float[][] cached = TextEmbeddings.embedCached(fm, classes, dir);
        for (int c = 0; c < classes.size(); c++) {
            assertArrayEquals(first[c], cached[c], "cache round trip, class " + classes.get(c));
        }
        double mean = TextEmbeddings.meanPairwiseCosine(first);
        assertTrue(mean > 0 && mean < 0.8, "classes are distinct: mean pairwise cosine " + mean);
    }

    @Test
    void malformedDescriptionFilesAreRejectedWithTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassDescriptions.parse("no class yet\n", "f.txt"));
        assertTrue(e.getMessage().contains("f.txt line 1"), e.getMessage());
        ClassDescriptions d = ClassDescriptions.parse("[a]\nx\n", "f.txt");
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> d.checkCovers(List.of("a", "b"), 1));
        assertTrue(c.getMessage().contains("b (0)"), c.getMessage());
    }
}
