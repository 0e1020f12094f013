package dev.dialectic.producers.cli;

import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.tasks.Mode;
import dev.dialectic.text.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Draws a task's timeline from its {@link TaskLedger} as text: a header, then one bar per stage on a time axis
 * shared by all stages, running from the task's acceptance to its finish, then the ideal critical path
 * against the actual total.
 *
 * <pre>
 * task 42  SUCCEEDED  mode parallel  variant baseline  total 15.5s (submitted → finished)
 * goal: Should we adopt a four-day week?
 *              0s                       15.4s
 * thesis      |█████████                     |  SUCCEEDED  took 4.5s   ttft 300ms  tokens 100 in, 400 out
 * antithesis  |█████████████████████         |  SUCCEEDED  took 10.8s  ttft 400ms  tokens 100 in, 400 out
 * synthesis   |                     █████████|  SUCCEEDED  took 4.4s   ttft 200ms  tokens 100 in, 400 out
 *              █ model call  ░ waiting for a worker
 * critical path: ideal 15.2s = max(thesis 4.5s, antithesis 10.8s) + synthesis 4.4s; actual 15.5s (+250ms)
 * </pre>
 *
 * <p>A stage's bar shows the wait from the orchestrator's request to the worker's start (░) and the model
 * call itself (█), so in parallel mode thesis and antithesis overlap and synthesis starts after both; in
 * sequential mode they follow each other. "Took" is the model call (start to finish), which is what the
 * ideal critical path is made of: max(thesis, antithesis) + synthesis in parallel mode, thesis + antithesis +
 * synthesis in sequential mode, where the antithesis answers the thesis. The actual total runs from
 * submission to finish and so includes every wait. A pure function of the ledger: no clock, no I/O.
 *
 * @param barWidth characters between the bar's borders
 * @param unicode whether to draw with block characters (otherwise {@code #} and {@code .}, for terminals that
 *     cannot show them)
 */
record LedgerRenderer(int barWidth, boolean unicode) {

    static final int DEFAULT_WIDTH = 40;

    LedgerRenderer {
        if (barWidth < 10) {
            throw new IllegalArgumentException("bars need at least 10 characters, got " + barWidth);
        }
    }

    private char callGlyph() {
        return unicode ? '█' : '#';
    }

    private char waitGlyph() {
        return unicode ? '░' : '.';
    }

    /** The header, then the timeline. */
    String render(TaskLedger ledger) {
        StringBuilder out = new StringBuilder();
        Optional<Duration> total = total(ledger);
        out.append("task ").append(ledger.getTaskId()).append("  ").append(ledger.getStatus())
                .append("  mode ").append(ledger.getMode()).append(modeChoice(ledger))
                .append("  variant ").append(ledger.getVariant())
                .append("  total ").append(total.map(Durations::format).orElse("(not finished)"))
                .append(" (submitted ").append(unicode ? "→" : "->").append(" finished)\n");
        if (!ledger.getGoal().isEmpty()) {
            out.append("goal: ").append(oneLine(ledger.getGoal(), 100)).append('\n');
        }
        if (ledger.getReason() != null) {
            out.append("reason: ").append(oneLine(ledger.getReason(), 200)).append('\n');
        }
        out.append(policies(ledger));
        return out.append(renderTimeline(ledger)).toString();
    }

    /** How adaptive mode chose the mode, when it did: " (adaptive, complexity 3.0)". */
    private static String modeChoice(TaskLedger ledger) {
        if (ledger.getRequestedMode() == null) {
            return "";
        }
        return " (" + ledger.getRequestedMode()
                + (ledger.getComplexity() == null ? "" : String.format(Locale.ROOT, ", complexity %.1f",
                        ledger.getComplexity()))
                + ")";
    }

    /** What the policies did: the fallback, the quality gate's verdicts, the resonance and the notes. */
    static String policies(TaskLedger ledger) {
        StringBuilder out = new StringBuilder();
        if (ledger.getFallbackStage() != null) {
            out.append("fell back to the sequential chain at ").append(ledger.getFallbackStage());
            if (ledger.getFallbackReason() != null) {
                out.append(": ").append(oneLine(ledger.getFallbackReason(), 200));
            }
            out.append('\n');
        }
        for (String verdict : ledger.getVerdicts()) {
            out.append("verdict: ").append(oneLine(verdict, 200)).append('\n');
        }
        if (!ledger.getResonance().isEmpty()) {
            out.append("resonance: ").append(new TreeMap<>(ledger.getResonance()).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))).append('\n');
        }
        for (String note : ledger.getNotes()) {
            out.append("note: ").append(oneLine(note, 200)).append('\n');
        }
        return out.toString();
    }

    /** The stage bars and the critical path, without the header (for showing under a result that has one). */
    String renderTimeline(TaskLedger ledger) {
        StringBuilder out = new StringBuilder();
        List<StageTiming> stages = ledger.getStages();
        int label = Math.max(10, stages.stream().mapToInt(s -> s.getStage().length()).max().orElse(0)) + 2;
        long start = ledger.getAcceptedAt().toEpochMilli();
        long end = axisEnd(ledger);
        String endLabel = Durations.format(Duration.ofMillis(end - start));
        out.append(" ".repeat(label)).append(" 0s")
                .append(" ".repeat(Math.max(1, barWidth - 2 - endLabel.length()))).append(endLabel).append('\n');
        for (StageTiming stage : stages) {
            out.append(pad(stage.getStage(), label)).append('|').append(bar(stage, start, end)).append("|  ")
                    .append(pad(stage.getStatus().toString(), 9))
                    .append("  took ").append(pad(call(stage).map(Durations::format).orElse("-"), 6))
                    .append(" ttft ").append(pad(ttft(stage).map(Durations::format).orElse("-"), 6))
                    .append(" tokens ").append(stage.getInputTokens()).append(" in, ").append(stage.getOutputTokens())
                    .append(" out");
            if (stage.getCacheHit()) {
                out.append("  (from the cache, saved ").append(Durations.format(Duration.ofMillis(stage.getSavedMs())))
                        .append(')');
            }
            out.append('\n');
            for (int i = 0; i < stage.getReRequests().size(); i++) {
                out.append(" ".repeat(label)).append(" attempt ").append(i + 2).append(" asked because: ")
                        .append(oneLine(stage.getReRequests().get(i), 200)).append('\n');
            }
            if (stage.getError() != null) {
                out.append(" ".repeat(label)).append(" error: ").append(oneLine(stage.getError(), 200)).append('\n');
            }
        }
        out.append(" ".repeat(label)).append(' ').append(callGlyph()).append(" model call  ")
                .append(waitGlyph()).append(" waiting for a worker\n");
        out.append("critical path: ").append(criticalPath(ledger, total(ledger))).append('\n');
        return out.toString();
    }

    /** The bar of one stage: its wait and its model call, placed on the axis {@code start}..{@code end}. */
    String bar(StageTiming stage, long start, long end) {
        char[] bar = new char[barWidth];
        Arrays.fill(bar, ' ');
        Instant requested = stage.getRequestedAt();
        Instant started = stage.getStartedAt();
        Instant finished = stage.getFinishedAt();
        if (requested != null) {
            Instant waitEnd = started != null ? started : finished;
            long waitEndMillis = waitEnd == null ? end : waitEnd.toEpochMilli();
            fill(bar, requested.toEpochMilli(), waitEndMillis, start, end, waitGlyph());
        }
        if (started != null) {
            long callEndMillis = finished == null ? end : finished.toEpochMilli();
            fill(bar, started.toEpochMilli(), callEndMillis, start, end, callGlyph());
        }
        return new String(bar);
    }

    /**
     * The ideal critical path from the stages' model-call durations, max(thesis, antithesis) + synthesis (the
     * sum of the three in sequential mode): what the task would take with no waiting at all. Empty unless all
     * three calls finished.
     */
    static Optional<Duration> idealCriticalPath(TaskLedger ledger) {
        Optional<Duration> thesis = call(ledger, "thesis");
        Optional<Duration> antithesis = call(ledger, "antithesis");
        Optional<Duration> synthesis = call(ledger, "synthesis");
        if (thesis.isEmpty() || antithesis.isEmpty() || synthesis.isEmpty()) {
            return Optional.empty();
        }
        if (sequential(ledger)) {
            return Optional.of(thesis.get().plus(antithesis.get()).plus(synthesis.get()));
        }
        Duration longer = thesis.get().compareTo(antithesis.get()) >= 0 ? thesis.get() : antithesis.get();
        return Optional.of(longer.plus(synthesis.get()));
    }

    private static boolean sequential(TaskLedger ledger) {
        return Mode.parse(ledger.getMode()).orElse(Mode.PARALLEL) == Mode.SEQUENTIAL;
    }

    private String criticalPath(TaskLedger ledger, Optional<Duration> total) {
        Optional<Duration> ideal = idealCriticalPath(ledger);
        if (ideal.isEmpty()) {
            return "n/a (needs the model-call durations of thesis, antithesis and synthesis)";
        }
        String thesis = "thesis " + Durations.format(call(ledger, "thesis").orElseThrow());
        String antithesis = "antithesis " + Durations.format(call(ledger, "antithesis").orElseThrow());
        String synthesis = "synthesis " + Durations.format(call(ledger, "synthesis").orElseThrow());
        String text = "ideal " + Durations.format(ideal.get()) + " = " + (sequential(ledger)
                ? thesis + " + " + antithesis + " + " + synthesis
                : "max(" + thesis + ", " + antithesis + ") + " + synthesis);
        return text + total.map(actual -> "; actual " + Durations.format(actual) + " ("
                + (actual.compareTo(ideal.get()) >= 0 ? "+" : "") + Durations.format(actual.minus(ideal.get())) + ")")
                .orElse("; actual: not finished");
    }

    private void fill(char[] bar, long from, long to, long start, long end, char glyph) {
        double span = Math.max(1, end - start);
        int first = (int) Math.round((Math.max(from, start) - start) / span * barWidth);
        int last = (int) Math.round((Math.min(Math.max(to, from), end) - start) / span * barWidth); // exclusive
        first = Math.min(first, barWidth - 1);
        if (last <= first) {
            last = first + 1; // anything that took time gets at least one character
        }
        for (int i = first; i < Math.min(last, barWidth); i++) {
            bar[i] = glyph;
        }
    }

    /** The end of the time axis: the finish, or for a running task the latest time the ledger knows. */
    private static long axisEnd(TaskLedger ledger) {
        if (ledger.getFinishedAt() != null) {
            return ledger.getFinishedAt().toEpochMilli();
        }
        return ledger.getStages().stream()
                .flatMap(s -> Stream.of(s.getRequestedAt(), s.getStartedAt(), s.getFinishedAt(), s.getRecordedAt()))
                .filter(t -> t != null).mapToLong(Instant::toEpochMilli)
                .max().orElse(ledger.getAcceptedAt().toEpochMilli());
    }

    private static Optional<Duration> total(TaskLedger ledger) {
        return Optional.ofNullable(ledger.getFinishedAt()).map(f -> Duration.between(ledger.getSubmittedAt(), f));
    }

    private static Optional<Duration> call(TaskLedger ledger, String stage) {
        return ledger.getStages().stream().filter(s -> s.getStage().equals(stage)).findFirst()
                .flatMap(LedgerRenderer::call);
    }

    private static Optional<Duration> call(StageTiming stage) {
        return stage.getStartedAt() == null || stage.getFinishedAt() == null
                ? Optional.empty()
                : Optional.of(Duration.between(stage.getStartedAt(), stage.getFinishedAt()));
    }

    private static Optional<Duration> ttft(StageTiming stage) {
        return stage.getStartedAt() == null || stage.getFirstTokenAt() == null
                ? Optional.empty()
                : Optional.of(Duration.between(stage.getStartedAt(), stage.getFirstTokenAt()));
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    static String oneLine(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }
}
