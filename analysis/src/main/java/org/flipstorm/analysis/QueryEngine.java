package org.flipstorm.analysis;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the analysis queries (SQL resources of this package) over a directory of trial Parquet.
 * {@link DuckDbEngine} (embedded, the default) and {@link SparkEngine} (Spark SQL, for data that
 * lives on a cluster) run the same files; the few functions whose names differ between the two
 * dialects are placeholders each engine fills in.
 *
 * <p>Placeholders: {@code ${trials}} (the trial table), {@code ${thresholds_table}} (a one-column
 * table {@code threshold}), {@code ${delta_quantiles}} (an aggregate giving the delta-loss quantiles
 * as a list).
 */
public interface QueryEngine extends AutoCloseable {
    /** Engine id as given to {@code --engine}. */
    String id();

    /**
     * The table expression over the Parquet under {@code trialsDir}: for campaigns, only the files
     * their commit markers list (see {@link CommittedData}); for other directories, every file.
     */
    String trialsSource(Path trialsDir);

    /** Lets this engine read campaigns that are not complete (their committed files only). */
    void allowPartial(boolean allow);

    /** Whether campaigns that are not complete may be read. */
    boolean partialAllowed();

    /** A subquery with one column {@code threshold} holding {@code values}. */
    String thresholdsTable(List<Double> values);

    /** An aggregate over {@code column} returning the list of quantiles at {@code probabilities}. */
    String quantiles(String column, double[] probabilities);

    /** Runs {@code sql} (placeholders filled) and reads every row. */
    <T> List<T> execute(String sql, RowReader<T> reader);

    @Override
    default void close() {}

    /** Reads one result row into a value. */
    @FunctionalInterface
    interface RowReader<T> {
        /** The value of {@code row}. */
        T read(ResultRow row);
    }

    /**
     * True when the trials under {@code trialsDir} have column {@code column} (campaigns written
     * with an older trial schema lack the newer columns).
     */
    default boolean hasColumn(Path trialsDir, String column) {
        try {
            execute("SELECT " + column + " FROM " + trialsSource(trialsDir) + " LIMIT 0", r -> r);
            return true;
        } catch (Exception e) { // Spark's AnalysisException is checked, yet thrown undeclared from Scala
            return false;
        }
    }

    /** Fills the placeholders of query resource {@code sqlName} and runs it over {@code trialsDir}. */
    default <T> List<T> query(Path trialsDir, String sqlName, Map<String, String> extra, RowReader<T> reader) {
        String sql = Queries.text(sqlName).replace("${trials}", trialsSource(trialsDir));
        for (Map.Entry<String, String> e : extra.entrySet()) {
            sql = sql.replace("${" + e.getKey() + "}", e.getValue());
        }
        return execute(sql, reader);
    }

    /**
     * The Parquet trees to read for {@code dir}: {@code dir} itself, or, for a directory of
     * campaigns (children holding a {@code trials/} directory), each child's {@code trials/} and
     * nothing else (their {@code activations/} and reports are other tables).
     */
    static List<java.nio.file.Path> roots(java.nio.file.Path dir) {
        java.nio.file.Path d = dir.toAbsolutePath().normalize();
        if (!java.nio.file.Files.isDirectory(d) || java.nio.file.Files.isDirectory(d.resolve("trials"))) {
            return List.of(d);
        }
        try (java.util.stream.Stream<java.nio.file.Path> children = java.nio.file.Files.list(d)) {
            List<java.nio.file.Path> trials = children.map(c -> c.resolve("trials"))
                    .filter(java.nio.file.Files::isDirectory).sorted().toList();
            return trials.isEmpty() ? List.of(d) : trials;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + d, e);
        }
    }

    /** Decimal literals joined by ", ", each followed by {@code suffix} (Spark's double marker "D"). */
    static String literals(List<Double> values, String suffix) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.6f", v) + suffix)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** A list column's numbers; SQL NULL elements read as NaN. */
    static double[] toDoubles(List<?> values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i) == null ? Double.NaN : ((Number) values.get(i)).doubleValue();
        }
        return v;
    }
}
