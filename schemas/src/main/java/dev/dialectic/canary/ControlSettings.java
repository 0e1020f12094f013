package dev.dialectic.canary;

import java.util.List;

/** The names of the canary's live settings on the compacted {@code control} topic, and of their authors. */
public final class ControlSettings {

    /** The release variant of the spec that the canary partitions run; unset: no canary. */
    public static final String VARIANT = "canary.variant";
    /**
     * Share of tasks for the canary, 0 to 100: the lowest ⌈partitions × percent / 100⌉ partitions of
     * {@code tasks}.
     * The newer of this and {@link #PARTITIONS} is in force.
     */
    public static final String PERCENT = "canary.percent";
    /** The partitions of {@code tasks} for the canary, comma separated (e.g. {@code 0,7,13}); empty: none. */
    public static final String PARTITIONS = "canary.partitions";
    /** A ramp schedule, {@code <steps>/<hold>} (e.g. {@code 5,25,50,100/10m}); empty: none (see {@link Ramp}). */
    public static final String RAMP = "canary.ramp";
    /** Every setting, in the order status shows them. */
    public static final List<String> ALL = List.of(VARIANT, PERCENT, PARTITIONS, RAMP);

    /** The variant that is the spec itself: every task not in a canary partition. */
    public static final String BASELINE = "baseline";
    /** Author of the settings the decision-maker writes when the canary is unhealthy. */
    public static final String AUTO_ROLLBACK = "auto-rollback";
    /** Author of the settings the decision-maker writes when it advances a ramp. */
    public static final String AUTO_RAMP = "auto-ramp";

    private ControlSettings() {}
}
