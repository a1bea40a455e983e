package org.flipstorm.inject;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The injection core must run without Spark: no class of the package may name a Spark or Scala type. */
class CoreHasNoSparkTest {
    @Test
    void noCoreClassReferencesSparkOrScala() throws IOException, URISyntaxException {
        Path dir = Path.of(BitFlip.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("org/flipstorm/inject");
        List<Path> classes;
        try (Stream<Path> s = Files.list(dir)) {
            classes = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertTrue(classes.size() >= 5, "found the core's classes in " + dir);
        for (Path c : classes) {
            // Class-file constant pools hold referenced type names in internal form (a/b/C).
            String pool = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
            assertFalse(pool.contains("org/apache/spark"), c + " references Spark");
            assertFalse(pool.contains("scala/"), c + " references Scala");
        }
    }
}
