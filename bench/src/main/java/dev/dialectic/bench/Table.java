package dev.dialectic.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A table of a scenario's report. Cells are numbers or text: numbers stay numbers in the JSON and are rounded
 * like {@link Figure}s in the Markdown.
 *
 * @param title what the table shows
 * @param columns column headers
 * @param rows the rows, each as long as {@code columns}
 */
record Table(String title, List<String> columns, List<List<Object>> rows) {

    Table {
        Objects.requireNonNull(title, "title");
        columns = List.copyOf(columns);
        List<List<Object>> copy = new ArrayList<>();
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row " + row + " has " + row.size() + " cells, expected "
                        + columns.size());
            }
            copy.add(List.copyOf(row));
        }
        rows = List.copyOf(copy);
    }

    /** The columns {@code label, mean, p50, p95, p99, max} for one {@link Summary} per row. */
    static List<String> summaryColumns(String label) {
        return List.of(label, "n", "mean", "p50", "p95", "p99", "max");
    }

    /** A row of {@link #summaryColumns}. */
    static List<Object> summaryRow(String label, Summary summary) {
        return List.of(label, summary.count(), summary.mean(), summary.p50(), summary.p95(), summary.p99(),
                summary.max());
    }
}
