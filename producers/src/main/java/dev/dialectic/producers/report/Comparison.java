package dev.dialectic.producers.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A candidate group against the reference group: the {@link Difference} of each latency that both have enough
 * of, and both groups' figures for the rates (whose differences the formats show in percentage points).
 *
 * @param reference the reference group
 * @param candidate the group compared with it
 * @param total the difference of total latency, if defined
 * @param stages the difference of each stage's latency that is defined for both, in the reference's stage order
 * @param timeToFirstToken the difference of time to first token, if defined
 */
public record Comparison(
        GroupFigures reference, GroupFigures candidate, Optional<Difference> total, Map<String, Difference> stages,
        Optional<Difference> timeToFirstToken) {

    public Comparison {
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    }

    /** Compares {@code candidate} with {@code reference}. */
    public static Comparison of(GroupFigures reference, GroupFigures candidate) {
        Map<String, Difference> stages = new LinkedHashMap<>();
        for (String stage : reference.stages().keySet()) {
            Difference.between(reference.stage(stage), candidate.stage(stage))
                    .ifPresent(difference -> stages.put(stage, difference));
        }
        return new Comparison(reference, candidate, Difference.between(reference.total(), candidate.total()), stages,
                Difference.between(reference.timeToFirstToken(), candidate.timeToFirstToken()));
    }
}
