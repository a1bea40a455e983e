package org.flipstorm.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The SQL files of this package ({@code org/flipstorm/analysis/NAME.sql}), placeholders unreplaced. */
final class Queries {
    private Queries() {}

    /** The text of query resource {@code name}. */
    static String text(String name) {
        String path = "/org/flipstorm/analysis/" + name;
        try (InputStream in = Queries.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("query resource " + path + " missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
