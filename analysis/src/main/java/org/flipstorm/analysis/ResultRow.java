package org.flipstorm.analysis;

/** One row of a query result, the same for every {@link QueryEngine}. Columns are read by name. */
public interface ResultRow {
    /** A text column. */
    String getString(String column);

    /** A whole-number column (0 if SQL NULL). */
    long getLong(String column);

    /** A whole-number column that fits an int (0 if SQL NULL). */
    default int getInt(String column) {
        return Math.toIntExact(getLong(column));
    }

    /** A number column; SQL NULL reads as NaN. */
    double getDouble(String column);

    /** A list-of-numbers column. */
    double[] getDoubleArray(String column);
}
