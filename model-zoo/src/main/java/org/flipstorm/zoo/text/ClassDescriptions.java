package org.flipstorm.zoo.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Written descriptions of each class of a dataset. File format: a line {@code [class name]}, then
 * one description per line; {@code #} starts a comment; blank lines are ignored.
 *
 * @param descriptions class name -> its descriptions, in file order
 * @param sha256 hash of the file's text (keys the embedding cache)
 */
public record ClassDescriptions(Map<String, List<String>> descriptions, String sha256) {
    /** Copies the map. */
    public ClassDescriptions {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        descriptions.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        descriptions = java.util.Collections.unmodifiableMap(copy);
    }

    /** The descriptions FlipStorm ships for {@code dataset} (e.g. {@code fashion-mnist}). */
    public static ClassDescriptions bundled(String dataset) throws IOException {
        String path = "/org/flipstorm/zoo/text/" + dataset + ".txt";
        try (InputStream in = ClassDescriptions.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled class descriptions for dataset '" + dataset
                        + "'; pass a descriptions file");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
        }
    }

    /** Reads a descriptions file. */
    public static ClassDescriptions read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** Parses the text of a descriptions file; {@code source} names it in errors. */
    public static ClassDescriptions parse(String text, String source) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String current = null;
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = line.substring(1, line.length() - 1).strip();
                if (current.isEmpty() || out.containsKey(current)) {
                    throw new IllegalArgumentException(source + " line " + (i + 1) + ": class '" + current
                            + "' is empty or appears twice");
                }
                out.put(current, new ArrayList<>());
            } else if (current == null) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": a description before any"
                        + " [class name] line");
            } else {
                out.get(current).add(line);
            }
        }
        return new ClassDescriptions(out, sha256(text));
    }

    /**
     * Checks that every class of the dataset has at least {@code min} descriptions.
     *
     * @throws IllegalArgumentException naming the classes that are missing or short
     */
    public void checkCovers(List<String> classNames, int min) {
        List<String> problems = new ArrayList<>();
        for (String c : classNames) {
            int n = descriptions.getOrDefault(c, List.of()).size();
            if (n < min) {
                problems.add(c + " (" + n + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("classes with fewer than " + min + " descriptions: " + problems);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
