package dev.dialectic.canary;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * When the canary is judged unhealthy: after at least {@code minTasks} finished canary tasks within the window,
 * an error rate above {@code maxErrorRate} or a fallback rate above {@code maxFallbackRate}.
 *
 * @param maxErrorRate highest acceptable share of canary tasks ending FAILED or PARTIAL (0–1)
 * @param maxFallbackRate highest acceptable share of canary tasks falling back to the sequential chain (0–1)
 * @param minTasks finished canary tasks needed before the canary is judged at all
 * @param window how far back finished tasks count
 */
public record RollbackRule(double maxErrorRate, double maxFallbackRate, int minTasks, Duration window) {

    /** The error rate above which a canary is rolled back, unless configured otherwise: 5%. */
    public static final double DEFAULT_MAX_ERROR_RATE = 0.05;
    /** The fallback rate above which a canary is rolled back, unless configured otherwise: 10%. */
    public static final double DEFAULT_MAX_FALLBACK_RATE = 0.10;
    /**
     * Finished canary tasks needed before judging, unless configured otherwise: 100, so that one failure in the first
     * few tasks (a 5% threshold is one task in twenty) does not roll a healthy canary back.
     */
    public static final int DEFAULT_MIN_TASKS = 100;
    /** How far back finished tasks count, unless configured otherwise. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
    /** The rule with every default. */
    public static final RollbackRule DEFAULT =
            new RollbackRule(DEFAULT_MAX_ERROR_RATE, DEFAULT_MAX_FALLBACK_RATE, DEFAULT_MIN_TASKS, DEFAULT_WINDOW);

    public RollbackRule {
        if (!(maxErrorRate >= 0 && maxErrorRate <= 1) || !(maxFallbackRate >= 0 && maxFallbackRate <= 1)) {
            throw new IllegalArgumentException("rates are from 0 to 1, got " + maxErrorRate + " and "
                    + maxFallbackRate);
        }
        if (minTasks < 1) {
            throw new IllegalArgumentException("at least one task is needed to judge, got " + minTasks);
        }
        Objects.requireNonNull(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("the window must be positive, got " + window);
        }
    }

    /** What a judgement found. */
    public enum Health {
        /** Fewer than the minimum of finished canary tasks: no judgement yet. */
        TOO_FEW,
        /** Within both thresholds. */
        HEALTHY,
        /** Above a threshold: roll back. */
        UNHEALTHY
    }

    /**
     * A judgement of the canary.
     *
     * @param health what was found
     * @param reason why, in one line, with the figures
     */
    public record Judgement(Health health, String reason) {}

    /** Judges the canary by its figures, and says why next to {@code baseline}'s. */
    public Judgement judge(Figures canary, Figures baseline) {
        String versus = "canary " + canary.describe() + "; baseline " + baseline.describe();
        if (canary.tasks() < minTasks) {
            return new Judgement(Health.TOO_FEW, "only " + canary.tasks() + " of the " + minTasks
                    + " finished canary tasks needed to judge (" + versus + ")");
        }
        if (canary.errorRate() > maxErrorRate) {
            return new Judgement(Health.UNHEALTHY, String.format(Locale.ROOT, "error rate %.1f%% > %.1f%% (%s)",
                    100 * canary.errorRate(), 100 * maxErrorRate, versus));
        }
        if (canary.fallbackRate() > maxFallbackRate) {
            return new Judgement(Health.UNHEALTHY, String.format(Locale.ROOT, "fallback rate %.1f%% > %.1f%% (%s)",
                    100 * canary.fallbackRate(), 100 * maxFallbackRate, versus));
        }
        return new Judgement(Health.HEALTHY, "healthy (" + versus + ")");
    }
}
