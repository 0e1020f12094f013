package dev.dialectic.orchestrator.policy;

import dev.dialectic.tasks.VerdictLines;
import java.util.Objects;

/**
 * What the quality gate said about one answer.
 *
 * @param passed whether the answer is good enough
 * @param by who judged: {@value #RULES} or the judge persona's name
 * @param feedback why it failed (handed to the next pass), or the judge's remarks; empty when there is nothing
 */
public record Verdict(boolean passed, String by, String feedback) {

    /** Who judged when the built-in rules did. */
    public static final String RULES = "rules";

    public Verdict {
        Objects.requireNonNull(by, "by");
        feedback = feedback == null ? "" : feedback.strip();
    }

    /** The ledger's line for this verdict on pass {@code pass}: {@code pass 1 failed by rules: The answer is empty.} */
    public String line(int pass) {
        return VerdictLines.line(pass, passed, by, feedback);
    }

    /** Whether a ledger line written by {@link #line} records a failed verdict. */
    public static boolean failed(String line) {
        return VerdictLines.failed(line);
    }
}
