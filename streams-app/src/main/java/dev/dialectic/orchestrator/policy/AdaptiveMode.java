package dev.dialectic.orchestrator.policy;

import dev.dialectic.spec.Policies;
import dev.dialectic.tasks.Mode;

/**
 * Adaptive mode: parallel for simple tasks, sequential for complex ones, quality first. A task whose complexity
 * is below the spec's threshold runs in parallel.
 */
public final class AdaptiveMode {

    private final double threshold;

    public AdaptiveMode(Policies.Adaptive policy) {
        this.threshold = policy.threshold();
    }

    /** The mode for a task of {@code complexity}. */
    public Mode choose(Complexity complexity) {
        return complexity.score() < threshold ? Mode.PARALLEL : Mode.SEQUENTIAL;
    }

    /** What the ledger says about the choice, e.g. {@code complexity 2.2 (estimate) < 5.0: parallel}. */
    public String explain(Complexity complexity) {
        Mode mode = choose(complexity);
        return "complexity " + complexity.score() + " (" + complexity.source() + ") "
                + (mode == Mode.PARALLEL ? "< " : ">= ") + threshold + ": " + mode.wireName();
    }
}
