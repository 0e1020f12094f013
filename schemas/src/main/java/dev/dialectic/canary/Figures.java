package dev.dialectic.canary;

import java.time.Duration;
import java.util.Collection;
import java.util.Locale;

/**
 * One variant's figures over a window of finished tasks.
 *
 * @param variant the variant
 * @param tasks finished tasks
 * @param errors of them, those that ended FAILED or PARTIAL
 * @param fallbacks of them, those that fell back to the sequential chain
 * @param meanLatency mean time from submission to the end; zero without tasks
 */
public record Figures(String variant, int tasks, int errors, int fallbacks, Duration meanLatency) {

    /** The figures of {@code outcomes}, which are all {@code variant}'s. */
    public static Figures of(String variant, Collection<TaskOutcome> outcomes) {
        int errors = 0;
        int fallbacks = 0;
        long latencyNanos = 0;
        for (TaskOutcome outcome : outcomes) {
            errors += outcome.failed() ? 1 : 0;
            fallbacks += outcome.fellBack() ? 1 : 0;
            latencyNanos += outcome.latency().toNanos();
        }
        return new Figures(variant, outcomes.size(), errors, fallbacks,
                outcomes.isEmpty() ? Duration.ZERO : Duration.ofNanos(latencyNanos / outcomes.size()));
    }

    /** Errors per finished task, 0 without tasks. */
    public double errorRate() {
        return tasks == 0 ? 0 : (double) errors / tasks;
    }

    /** Fallbacks per finished task, 0 without tasks. */
    public double fallbackRate() {
        return tasks == 0 ? 0 : (double) fallbacks / tasks;
    }

    /** {@code 40 tasks, errors 10.0%, fallbacks 22.5%, mean 2.1s}. */
    public String describe() {
        return String.format(Locale.ROOT, "%d tasks, errors %.1f%%, fallbacks %.1f%%, mean %dms", tasks,
                100 * errorRate(), 100 * fallbackRate(), meanLatency.toMillis());
    }
}
