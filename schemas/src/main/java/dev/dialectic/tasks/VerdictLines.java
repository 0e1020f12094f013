package dev.dialectic.tasks;

import java.util.regex.Pattern;

/**
 * The text of the quality gate's verdicts in {@code TaskLedger.verdicts}, one line per judged pass of the final
 * stage: {@code pass <n> passed|failed by <rules|judge persona>[: <feedback>]}. The orchestrator writes them and
 * reports read them, so the format lives here once.
 */
public final class VerdictLines {

    private static final Pattern PASSED = Pattern.compile("pass \\d+ passed by ");
    private static final Pattern FAILED = Pattern.compile("pass \\d+ failed by ");

    private VerdictLines() {}

    /** The line of the verdict on pass {@code pass}: {@code pass 1 failed by rules: The answer is empty.} */
    public static String line(int pass, boolean passed, String by, String feedback) {
        return "pass " + pass + (passed ? " passed" : " failed") + " by " + by
                + (feedback == null || feedback.isEmpty() ? "" : ": " + feedback);
    }

    /** Whether {@code line} records a verdict that passed. */
    public static boolean passed(String line) {
        return PASSED.matcher(line).lookingAt();
    }

    /** Whether {@code line} records a verdict that failed. */
    public static boolean failed(String line) {
        return FAILED.matcher(line).lookingAt();
    }
}
