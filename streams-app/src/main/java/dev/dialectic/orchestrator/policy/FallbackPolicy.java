package dev.dialectic.orchestrator.policy;

import dev.dialectic.spec.Policies;
import dev.dialectic.tasks.Mode;

/**
 * Fallback: a stage that fails after its worker's retries while its task runs in parallel sends the task down the
 * sequential chain instead of ending it partial; the failed stage runs again with its predecessor's output. Once
 * per task, and never for the final stage, whose inputs are the same in both modes.
 */
public final class FallbackPolicy {

    private final boolean enabled;

    public FallbackPolicy(Policies.Fallback policy) {
        this.enabled = policy.enabled();
    }

    /**
     * Whether a task running in {@code mode} falls back when a stage fails.
     *
     * @param fellBack whether the task fell back already
     * @param finalStage whether the failed stage is the final one
     */
    public boolean applies(Mode mode, boolean fellBack, boolean finalStage) {
        return enabled && mode == Mode.PARALLEL && !fellBack && !finalStage;
    }
}
