package dev.dialectic.producers;

import dev.dialectic.schema.Task;
import dev.dialectic.tasks.Mode;
import dev.dialectic.tasks.TaskRules;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a producer asks Dialectic to reason about: one task, before it is submitted. Immutable; build one
 * with {@link #builder()} (or {@link #of(String)} for a bare goal).
 *
 * <p>A spec is not checked when it is built: {@link DialecticClient#submit} checks it against
 * {@link TaskRules} first, the same rules the orchestrator applies, so a bad task is refused before it is
 * sent and with the reason the orchestrator would have given. That is also why {@link #mode()} is the wire
 * string rather than a {@link Mode}: a producer may carry a mode this version does not know and still get a
 * one-line reason instead of a crash.
 *
 * @param id the task id, also the record key on every topic; unique per task
 * @param goal what the task asks for
 * @param context background the personas should take into account, if any
 * @param mode {@code parallel}, {@code sequential} or {@code adaptive}; empty leaves the choice to the orchestrator's default
 * @param timeout how long the task may run after acceptance; empty means the orchestrator's default
 * @param attributes free-form labels (team, tone, ...) carried to the ledger and available to routing
 */
public record TaskSpec(
        String id,
        String goal,
        Optional<String> context,
        Optional<String> mode,
        Optional<Duration> timeout,
        Map<String, String> attributes) {

    public TaskSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
        attributes = Map.copyOf(attributes);
    }

    /** A spec with a generated id, the given goal and every other field left to its default. */
    public static TaskSpec of(String goal) {
        return builder().goal(goal).build();
    }

    /** A builder; {@link Builder#build()} generates a random UUID as the id unless one is given. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Why this spec would be refused, in one line (e.g. {@code goal is empty}); empty when it is acceptable.
     * The same text the orchestrator would put on the dead-letter record.
     */
    public Optional<String> violation(TaskRules rules) {
        // submittedAt plays no part in the rules; the epoch stands in for the real send time.
        return rules.violation(toTask(Instant.EPOCH));
    }

    /** The {@link Task} record submitting this spec at {@code submittedAt} writes to the {@code tasks} topic. */
    public Task toTask(Instant submittedAt) {
        return Task.newBuilder()
                .setTaskId(id)
                .setGoal(goal)
                .setContext(context.orElse(null))
                .setMode(mode.orElse(null))
                .setSubmittedAt(submittedAt)
                .setTimeoutMs(timeout.map(Duration::toMillis).orElse(null))
                .setAttributes(new HashMap<>(attributes))
                .build();
    }

    /** Builds a {@link TaskSpec}. Not thread-safe. */
    public static final class Builder {
        private String id;
        private String goal;
        private String context;
        private String mode;
        private Duration timeout;
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Builder() {}

        /** The task id; unset (or null) means a random UUID. Re-using the id of a known task is a no-op. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** What the task asks for; required. */
        public Builder goal(String goal) {
            this.goal = goal;
            return this;
        }

        /** Background for the personas; null for none. */
        public Builder context(String context) {
            this.context = context;
            return this;
        }

        /** The mode as its wire name ({@code parallel}, {@code sequential}, {@code adaptive}); null for the orchestrator's default. */
        public Builder mode(String mode) {
            this.mode = mode;
            return this;
        }

        /** The mode; null for the orchestrator's default. */
        public Builder mode(Mode mode) {
            this.mode = mode == null ? null : mode.wireName();
            return this;
        }

        /** How long the task may run after acceptance; null for the orchestrator's default. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Adds one attribute, replacing an earlier value for the same name. */
        public Builder attribute(String name, String value) {
            attributes.put(Objects.requireNonNull(name, "attribute name"),
                    Objects.requireNonNull(value, "attribute value"));
            return this;
        }

        /** Adds every attribute of {@code values}. */
        public Builder attributes(Map<String, String> values) {
            values.forEach(this::attribute);
            return this;
        }

        /**
         * @throws NullPointerException if no goal was given
         */
        public TaskSpec build() {
            Objects.requireNonNull(goal, "a task needs a goal");
            return new TaskSpec(id == null ? UUID.randomUUID().toString() : id, goal, Optional.ofNullable(context),
                    Optional.ofNullable(mode), Optional.ofNullable(timeout), attributes);
        }
    }
}
