package org.flipstorm.zoo.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a JVM options file such as {@code conf/jvm.options}: one option a line, '#' comments. */
public final class JvmOptions {
    private JvmOptions() {}

    /** The options of {@code file}, in order, blank lines and comments left out. */
    public static List<String> read(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(t);
            }
        }
        return out;
    }
}
