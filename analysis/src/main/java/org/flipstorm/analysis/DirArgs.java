package org.flipstorm.analysis;

import java.nio.file.Path;

/**
 * The command line shared by the analysis commands:
 * {@code NAME DIR [--csv FILE] [--confidence C] [--engine duckdb|spark] [--allow-partial]}.
 *
 * @param dir campaign or trials directory
 * @param csv CSV file to write, or null for the command's default
 * @param confidence two-sided confidence of the intervals
 * @param engine query engine id
 * @param allowPartial read campaigns that are not complete (their committed files), labelled PARTIAL
 */
record DirArgs(Path dir, Path csv, double confidence, String engine, boolean allowPartial) {
    /** Parses {@code argv}; errors name the argument and repeat the usage line. */
    static DirArgs parse(String[] argv, String command, double defaultConfidence) {
        String usage = "usage: " + command + " DIR [--csv FILE] [--confidence " + defaultConfidence
                + "] [--engine duckdb|spark] [--allow-partial]";
        String engine = "duckdb";
        boolean allowPartial = false;
        Path dir = null;
        Path csv = null;
        double confidence = defaultConfidence;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--csv" -> csv = Path.of(value(argv, ++i, "--csv"));
                case "--confidence" -> confidence = parseConfidence(value(argv, ++i, "--confidence"));
                case "--engine" -> engine = value(argv, ++i, "--engine");
                case "--allow-partial" -> allowPartial = true;
                default -> {
                    if (argv[i].startsWith("--") || dir != null) {
                        throw new IllegalArgumentException("unexpected argument '" + argv[i] + "'; " + usage);
                    }
                    dir = Path.of(argv[i]);
                }
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException(usage);
        }
        if (!engine.equals("duckdb") && !engine.equals("spark")) {
            throw new IllegalArgumentException("--engine '" + engine + "' unknown; expected duckdb or spark");
        }
        return new DirArgs(dir, csv, confidence, engine, allowPartial);
    }

    private static String value(String[] argv, int i, String opt) {
        if (i >= argv.length) {
            throw new IllegalArgumentException("option " + opt + " needs a value");
        }
        return argv[i];
    }

    private static double parseConfidence(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--confidence must be a number such as 0.95, got '" + v + "'", e);
        }
    }
}
