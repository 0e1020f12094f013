package dev.dialectic.producers.cli;

import dev.dialectic.schema.ResultStatus;
import dev.dialectic.text.Durations;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * How far the wait for a batch has come, on stderr. On a terminal, one bar redrawn in place with {@code \r};
 * otherwise (a log file, a CI console, where carriage returns pile up as garbage) a plain line now and then:
 * at every tenth of the batch, at most every five seconds in between, and at the end. One instance per wait;
 * not thread-safe.
 */
final class Progress {

    private static final int BAR_WIDTH = 30;
    private static final long LINE_INTERVAL_NANOS = Duration.ofSeconds(5).toNanos();

    private final PrintWriter err;
    private final boolean terminal;
    private final boolean unicode;
    private final int total;
    private final long startNanos = System.nanoTime();
    private int succeeded;
    private int partial;
    private int failed;
    private long lastLineNanos = startNanos;
    private int lastLineTenth;
    private int drawnLength;

    Progress(PrintWriter err, boolean terminal, boolean unicode, int total) {
        this.err = err;
        this.terminal = terminal;
        this.unicode = unicode;
        this.total = total;
    }

    /** Counts one more result and shows the new state. */
    void arrived(ResultStatus status) {
        switch (status) {
            case SUCCEEDED -> succeeded++;
            case PARTIAL -> partial++;
            case FAILED -> failed++;
        }
        if (terminal) {
            redraw();
            return;
        }
        int tenth = done() * 10 / Math.max(1, total);
        long now = System.nanoTime();
        if (done() == total || tenth > lastLineTenth || now - lastLineNanos >= LINE_INTERVAL_NANOS) {
            err.println("progress: " + counts());
            err.flush();
            lastLineTenth = tenth;
            lastLineNanos = now;
        }
    }

    /** Erases the bar, so other output can be written to the terminal without mixing into it. */
    void clear() {
        if (terminal && drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
            drawnLength = 0;
        }
    }

    /** Draws the bar again (after {@link #clear()}); does nothing off a terminal. */
    void redraw() {
        if (!terminal) {
            return;
        }
        int filled = done() * BAR_WIDTH / Math.max(1, total);
        String line = "[" + String.valueOf(unicode ? '█' : '#').repeat(filled)
                + String.valueOf(unicode ? '░' : '.').repeat(BAR_WIDTH - filled) + "] " + counts();
        err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
        err.flush();
        drawnLength = line.length();
    }

    /** Ends the bar's line, so what follows starts on a fresh one. */
    void finish() {
        if (terminal && drawnLength > 0) {
            err.println();
            err.flush();
            drawnLength = 0;
        }
    }

    private int done() {
        return succeeded + partial + failed;
    }

    private String counts() {
        return done() + "/" + total + " results (" + succeeded + " succeeded, " + partial + " partial, " + failed
                + " failed) after " + Durations.format(Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
