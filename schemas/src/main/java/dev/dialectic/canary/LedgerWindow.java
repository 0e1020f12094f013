package dev.dialectic.canary;

import dev.dialectic.schema.TaskLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The tasks that finished within a sliding window, by task id, from the ledger: a task's ledger is rewritten at
 * each transition (and compaction may deliver an old and a new record), so each task counts once, as it ended.
 * Not thread-safe: one reader feeds it and asks for figures.
 */
public final class LedgerWindow {

    private final Duration length;
    private final Map<String, TaskOutcome> finished = new HashMap<>();

    /** A window of {@code length}. */
    public LedgerWindow(Duration length) {
        this.length = Objects.requireNonNull(length, "length");
    }

    /** Takes {@code ledger} into account if its task has ended. */
    public void add(TaskLedger ledger) {
        TaskOutcome.of(ledger).ifPresent(outcome -> finished.put(outcome.taskId(), outcome));
    }

    /** The oldest end the window counts at {@code now}. */
    public Instant start(Instant now) {
        return now.minus(length);
    }

    /**
     * {@code variant}'s figures at {@code now}: tasks that finished within the window and were accepted at or after
     * {@code since} (the canary's start, so that an earlier canary's tasks are not judged again). Forgets what has
     * left the window.
     */
    public Figures figures(String variant, Instant since, Instant now) {
        Instant start = start(now);
        finished.values().removeIf(outcome -> outcome.finishedAt().isBefore(start));
        List<TaskOutcome> counted = finished.values().stream()
                .filter(outcome -> outcome.variant().equals(variant))
                .filter(outcome -> since == null || !outcome.acceptedAt().isBefore(since))
                .toList();
        return Figures.of(variant, counted);
    }
}
