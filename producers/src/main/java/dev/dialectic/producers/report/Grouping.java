package dev.dialectic.producers.report;

import dev.dialectic.schema.TaskLedger;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** What a report groups tasks by: a field of their ledger. */
public enum Grouping {
    /** The release variant that served the task ({@code TaskLedger.variant}). */
    VARIANT(TaskLedger::getVariant),
    /** The mode the task ran in, parallel or sequential ({@code TaskLedger.mode}; adaptive is resolved). */
    MODE(TaskLedger::getMode);

    private final Function<TaskLedger, String> key;

    Grouping(Function<TaskLedger, String> key) {
        this.key = key;
    }

    /** The group a task belongs to. */
    public String key(TaskLedger ledger) {
        return key.apply(ledger);
    }

    /** The name on the command line and in reports: {@code variant}, {@code mode}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, ignoring case and surrounding blanks. */
    public static Optional<Grouping> parse(String value) {
        for (Grouping grouping : values()) {
            if (value != null && grouping.wireName().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(grouping);
            }
        }
        return Optional.empty();
    }
}
