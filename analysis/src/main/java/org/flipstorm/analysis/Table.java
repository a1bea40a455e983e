package org.flipstorm.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flipstorm.common.io.AtomicFiles;

/**
 * A result table as text cells, written as CSV and rendered into the HTML report.
 *
 * @param name file stem, e.g. {@code layer_summary}
 * @param title heading in the report
 * @param columns column names (the CSV header)
 * @param rows cells, one list per row
 */
public record Table(String name, String title, List<String> columns, List<List<String>> rows) {
    /** Copies the lists. */
    public Table {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> r : rows) {
            if (r.size() != columns.size()) {
                throw new IllegalArgumentException("table " + name + ": a row has " + r.size() + " cells for "
                        + columns.size() + " columns");
            }
        }
    }

    /** Writes the table as CSV into {@code dir/NAME.csv} (or {@code file} when given), atomically. */
    public Path writeCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add(String.join(",", columns));
        for (List<String> r : rows) {
            lines.add(String.join(",", r.stream().map(Table::csvCell).toList()));
        }
        return AtomicFiles.write(file, tmp -> Files.write(tmp, lines));
    }

    /** Quotes a cell that holds a comma, a quote or a line break. */
    static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
