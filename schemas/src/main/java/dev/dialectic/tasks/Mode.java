package dev.dialectic.tasks;

import java.util.Locale;
import java.util.Optional;

/** How the stages of a dialectic task are scheduled. */
public enum Mode {
    /** Thesis and antithesis run side by side; synthesis joins them. Critical path: max(thesis, antithesis) + synthesis. */
    PARALLEL,
    /** Antithesis runs after the thesis and sees its text; then synthesis. Critical path: the sum of all three. */
    SEQUENTIAL,
    /**
     * The orchestrator picks parallel or sequential from the task's complexity (its {@code complexity} attribute,
     * else an estimate from its text) against the pipeline spec's threshold, and records the choice in the ledger.
     */
    ADAPTIVE;

    /** The name used on the wire and on the command line: {@code parallel}, {@code sequential}, {@code adaptive}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, ignoring case and surrounding blanks; empty if it names no mode. */
    public static Optional<Mode> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Mode mode : values()) {
            if (mode.wireName().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
