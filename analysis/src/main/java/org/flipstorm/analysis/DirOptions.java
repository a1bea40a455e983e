package org.flipstorm.analysis;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command line shared by the analysis commands that read one directory ({@code summary},
 * {@code improvement}): {@code DIR [--csv FILE] [--confidence C] [--engine duckdb|spark]
 * [--allow-partial]}.
 */
final class DirOptions {
    /** The engines a command can query with. */
    enum Engine {
        /** DuckDB in this JVM (the default: fast to start, no Spark). */
        DUCKDB,
        /** A local Spark session (for trials too large for one machine's memory, or on a cluster). */
        SPARK;

        /** A fresh engine of this kind (the caller closes it). */
        QueryEngine open() {
            return this == DUCKDB ? new DuckDbEngine() : SparkEngine.create();
        }
    }

    @Parameters(index = "0", paramLabel = "DIR", description = "A campaign directory, its trials directory, or a"
            + " directory of campaigns.")
    Path dir;
    @Option(names = "--csv", paramLabel = "FILE", description = "The CSV to write (default: in DIR).")
    Path csv;
    @Option(names = "--confidence", paramLabel = "C", defaultValue = "0.99",
            description = "Two-sided confidence of every interval (default: ${DEFAULT-VALUE}).")
    double confidence;
    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "duckdb",
            description = "duckdb or spark (default: ${DEFAULT-VALUE}).")
    Engine engine;
    @Option(names = "--allow-partial", description = "Read a campaign that is not complete (its committed files);"
            + " every output is labelled PARTIAL.")
    boolean allowPartial;

    /** A fresh engine of the chosen kind (the caller closes it). */
    QueryEngine openEngine() {
        QueryEngine e = engine.open();
        e.allowPartial(allowPartial);
        return e;
    }
}
