package dev.dialectic.canary;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which control records may change the canary's settings, and how they do. A record that cannot be applied (an
 * unknown setting, a percent outside 0–100, a partition {@code tasks} does not have, an unknown variant, a bad
 * ramp) leaves the state as it was and says why in one line; the service puts it in the dlq with that reason.
 * The CLI applies the same rules before it writes.
 *
 * @param variants the release variants of the spec in force; null when unknown (the CLI does not know the
 *     service's spec, and leaves that check to the service)
 * @param partitionCount partitions of {@code tasks}
 */
public record ControlRules(Set<String> variants, int partitionCount) {

    public ControlRules {
        variants = variants == null ? null : Set.copyOf(variants);
        if (partitionCount < 1) {
            throw new IllegalArgumentException("tasks needs at least one partition, got " + partitionCount);
        }
    }

    /**
     * What applying a record led to: the state after it, and why it was refused when it was (the state is then
     * the one before).
     *
     * @param state the settings in force after the record
     * @param rejection why the record was not applied; empty when it was
     */
    public record Outcome(CanaryState state, Optional<String> rejection) {

        public Outcome {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(rejection, "rejection");
        }

        /** Whether the record was applied. */
        public boolean applied() {
            return rejection.isEmpty();
        }
    }

    /** The record under {@code key} with value {@code setting} (null: a tombstone) applied to {@code state}. */
    public Outcome apply(CanaryState state, String key, Setting setting) {
        Optional<String> problem = problem(key, setting);
        if (problem.isPresent()) {
            return new Outcome(state, problem);
        }
        return new Outcome(setting == null ? state.without(key) : state.with(setting), Optional.empty());
    }

    /** Why the record under {@code key} with value {@code setting} (null: a tombstone) cannot be applied, if so. */
    public Optional<String> problem(String key, Setting setting) {
        if (key == null) {
            return Optional.of("a control record's key must name its setting; this one has none");
        }
        if (!ControlSettings.ALL.contains(key)) {
            return Optional.of("unknown setting '" + key + "' (known: " + String.join(", ", ControlSettings.ALL) + ")");
        }
        if (setting == null) {
            return Optional.empty(); // a tombstone: the setting goes back to its default
        }
        if (!key.equals(setting.name())) {
            return Optional.of("the record's key '" + key + "' and its setting '" + setting.name() + "' differ");
        }
        String value = setting.value().strip();
        return switch (key) {
            case ControlSettings.VARIANT -> variantProblem(value);
            case ControlSettings.PERCENT -> percentProblem(value);
            case ControlSettings.PARTITIONS -> partitionsProblem(value);
            default -> rampProblem(value);
        };
    }

    private Optional<String> variantProblem(String value) {
        if (value.equals(ControlSettings.BASELINE)) {
            return Optional.of(ControlSettings.VARIANT + ": 'baseline' is the spec itself, not a canary; name one of"
                    + " the spec's releases" + known());
        }
        if (!value.matches("[A-Za-z0-9_-]+")) {
            return Optional.of(ControlSettings.VARIANT + ": a variant's name is letters, digits, '_' and '-', got '"
                    + value + "'");
        }
        if (variants != null && !variants.contains(value)) {
            return Optional.of(ControlSettings.VARIANT + ": unknown variant '" + value + "'" + known());
        }
        return Optional.empty();
    }

    private String known() {
        if (variants == null) {
            return "";
        }
        return variants.isEmpty() ? " (the spec declares no releases)"
                : " (the spec's releases: " + String.join(", ", new TreeSet<>(variants)) + ")";
    }

    private static Optional<String> percentProblem(String value) {
        try {
            BigDecimal percent = new BigDecimal(value);
            if (percent.signum() >= 0 && percent.compareTo(CanaryState.HUNDRED) <= 0) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            // said below
        }
        return Optional.of(ControlSettings.PERCENT + " must be a number from 0 to 100, got '" + value + "'");
    }

    private Optional<String> partitionsProblem(String value) {
        try {
            for (int partition : CanaryState.partitions(value)) {
                if (partition >= partitionCount) {
                    return Optional.of(ControlSettings.PARTITIONS + ": partition " + partition + " of tasks does not"
                            + " exist (it has " + partitionCount + ": 0-" + (partitionCount - 1) + ")");
                }
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(ControlSettings.PARTITIONS + ": " + e.getMessage() + " (e.g. 0,7,13)");
        }
    }

    private static Optional<String> rampProblem(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            Ramp.parse(value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(ControlSettings.RAMP + ": " + e.getMessage());
        }
    }
}
