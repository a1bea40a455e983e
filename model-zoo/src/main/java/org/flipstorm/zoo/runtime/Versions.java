package org.flipstorm.zoo.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions of FlipStorm and the libraries it was built with, for provenance records. */
public final class Versions {
    private static final Properties PROPS = load();

    private Versions() {}

    /** FlipStorm's version. */
    public static String flipstorm() {
        return PROPS.getProperty("flipstorm", "unknown");
    }

    /** DL4J/ND4J version. */
    public static String dl4j() {
        return PROPS.getProperty("dl4j", "unknown");
    }

    /** ND4J native build classifier the project was built with. */
    public static String nd4jClassifier() {
        return PROPS.getProperty("nd4j.classifier", "unknown");
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/org/flipstorm/zoo/versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
