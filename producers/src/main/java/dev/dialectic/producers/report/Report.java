package dev.dialectic.producers.report;

import dev.dialectic.schema.TaskLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A report from the ledger: the {@link GroupFigures} of each group of finished tasks, and a {@link Comparison}
 * of every other group with the reference group. A pure function of the ledgers it is given: no clock, no I/O.
 *
 * <p>The reference group is the one named, or else the group with the most tasks (ties: the first by name), as
 * the established release or mode usually is; it comes first, then the others by size, largest first.
 *
 * @param grouping what the tasks are grouped by
 * @param since only tasks submitted at or after this instant count, when present
 * @param unfinished tasks in the period that had not finished, which are left out
 * @param groups the reference group first, then the others
 * @param comparisons every group but the reference, compared with it, in the order of {@code groups}
 */
public record Report(
        Grouping grouping, Optional<Instant> since, int unfinished, List<GroupFigures> groups,
        List<Comparison> comparisons) {

    public Report {
        Objects.requireNonNull(grouping, "grouping");
        Objects.requireNonNull(since, "since");
        groups = List.copyOf(groups);
        comparisons = List.copyOf(comparisons);
    }

    /**
     * The report of {@code ledgers} (the newest ledger of each task).
     *
     * @param since only tasks submitted at or after it count; null for all
     * @param reference the reference group's name; null for the largest group
     * @throws IllegalArgumentException if {@code reference} names no group of finished tasks
     */
    public static Report of(Collection<TaskLedger> ledgers, Grouping grouping, Instant since, String reference) {
        Map<String, List<TaskLedger>> byGroup = new TreeMap<>();
        int unfinished = 0;
        for (TaskLedger ledger : ledgers) {
            if (since != null && ledger.getSubmittedAt().isBefore(since)) {
                continue;
            }
            if (ledger.getFinishedAt() == null) {
                unfinished++;
            } else {
                byGroup.computeIfAbsent(grouping.key(ledger), g -> new ArrayList<>()).add(ledger);
            }
        }
        List<GroupFigures> groups = new ArrayList<>();
        byGroup.forEach((name, members) -> groups.add(GroupFigures.of(name, members)));
        groups.sort(Comparator.comparingInt(GroupFigures::tasks).reversed()); // stable: ties stay by name
        if (reference != null) {
            GroupFigures named = groups.stream().filter(g -> g.name().equals(reference)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no finished task of " + grouping.wireName() + " '"
                            + reference + "'" + (groups.isEmpty() ? "" : " (there are: " + String.join(", ",
                                    groups.stream().map(GroupFigures::name).toList()) + ")")));
            groups.remove(named);
            groups.addFirst(named);
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (int i = 1; i < groups.size(); i++) {
            comparisons.add(Comparison.of(groups.getFirst(), groups.get(i)));
        }
        return new Report(grouping, Optional.ofNullable(since), unfinished, groups, comparisons);
    }

    /** Finished tasks over all groups. */
    public int tasks() {
        return groups.stream().mapToInt(GroupFigures::tasks).sum();
    }

    /** Every stage name of any group, in the order they first appear (reference group first). */
    public List<String> stages() {
        Map<String, Boolean> names = new LinkedHashMap<>();
        groups.forEach(group -> group.stages().keySet().forEach(stage -> names.put(stage, true)));
        return List.copyOf(names.keySet());
    }
}
