package org.flipstorm.analysis;

import java.io.PrintStream;

/**
 * {@code improvement DIR [--confidence 0.99] [--resamples 2000] [--seed 1] [--rates wilson|wald]
 * [--csv FILE] [--engine duckdb|spark]}: the study comparison of {@link StudyComparisonMain}
 * (this class keeps the command's old entry point).
 */
public final class ImprovementMain {
    private ImprovementMain() {}

    /** Entry point. */
    public static void main(String[] argv) {
        StudyComparisonMain.main(argv);
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return StudyComparisonMain.run(argv, out, err);
    }
}
