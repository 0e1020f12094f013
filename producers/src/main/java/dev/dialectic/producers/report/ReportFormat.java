package dev.dialectic.producers.report;

import java.util.Locale;
import java.util.Optional;

/** How a {@link Report} is written. */
public enum ReportFormat {
    /** Plain text for a terminal (see {@link TextReport}). */
    TABLE,
    /** JSON, for programs (see {@link JsonReport}). */
    JSON,
    /** Markdown tables, for pull requests and issues. */
    MARKDOWN,
    /** One self-contained HTML page with charts, that works offline (see {@link HtmlReport}). */
    HTML;

    /**
     * The report in this format.
     *
     * @param unicode whether the table format may use − and → (the others always do: they are UTF-8)
     */
    public String render(Report report, boolean unicode) {
        return switch (this) {
            case TABLE -> new TextReport(unicode).render(report);
            case JSON -> new JsonReport().render(report);
            case MARKDOWN -> new MarkdownReport().render(report);
            case HTML -> new HtmlReport().render(report);
        };
    }

    /** The name on the command line: {@code table}, {@code json}, {@code markdown}, {@code html}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, ignoring case and surrounding blanks. */
    public static Optional<ReportFormat> parse(String value) {
        for (ReportFormat format : values()) {
            if (value != null && format.wireName().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
