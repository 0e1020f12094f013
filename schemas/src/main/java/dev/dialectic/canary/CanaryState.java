package dev.dialectic.canary;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The canary's settings in force, as applied from {@code control} by {@link ControlRules}, and what follows from
 * them: which partitions of {@code tasks} run the canary variant, and what share of tasks that really is.
 * Immutable; {@link #INITIAL} is the state before any setting (no canary: every task runs on baseline).
 *
 * <p>The canary partitions are chosen by the newer of {@value ControlSettings#PERCENT} (the lowest
 * ⌈partitions × percent / 100⌉ partitions) and {@value ControlSettings#PARTITIONS} (partitions named); without a
 * {@value ControlSettings#VARIANT} there are none.
 */
public final class CanaryState {

    static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    /** No setting: no canary. */
    public static final CanaryState INITIAL = new CanaryState(Map.of(), null);

    private final Map<String, Setting> settings;
    /** {@link ControlSettings#PERCENT} or {@link ControlSettings#PARTITIONS}, whichever was set last; null: none. */
    private final String selectedBy;
    private final BigDecimal percent;
    private final Set<Integer> partitions;
    private final Ramp ramp;

    private CanaryState(Map<String, Setting> settings, String selectedBy) {
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        this.selectedBy = selectedBy;
        Setting percentSetting = settings.get(ControlSettings.PERCENT);
        this.percent = percentSetting == null ? BigDecimal.ZERO : new BigDecimal(percentSetting.value().strip());
        Setting partitionSetting = settings.get(ControlSettings.PARTITIONS);
        this.partitions = partitionSetting == null ? Set.of() : Set.copyOf(partitions(partitionSetting.value()));
        Setting rampSetting = settings.get(ControlSettings.RAMP);
        this.ramp = rampSetting == null || rampSetting.value().isBlank() ? null : Ramp.parse(rampSetting.value());
    }

    /** This state with {@code setting} in force; its values must have passed {@link ControlRules}. */
    CanaryState with(Setting setting) {
        Map<String, Setting> next = new LinkedHashMap<>(settings);
        next.put(setting.name(), setting);
        return new CanaryState(next, selects(setting.name()) ? setting.name() : selectedBy);
    }

    /** This state without {@code name} (a tombstone): that setting is back at its default. */
    CanaryState without(String name) {
        Map<String, Setting> next = new LinkedHashMap<>(settings);
        next.remove(name);
        String selected = name.equals(selectedBy) ? otherSelection(name, next) : selectedBy;
        return new CanaryState(next, selected);
    }

    private static boolean selects(String name) {
        return name.equals(ControlSettings.PERCENT) || name.equals(ControlSettings.PARTITIONS);
    }

    private static String otherSelection(String removed, Map<String, Setting> remaining) {
        String other = removed.equals(ControlSettings.PERCENT) ? ControlSettings.PARTITIONS : ControlSettings.PERCENT;
        return remaining.containsKey(other) ? other : null;
    }

    /** The canary variant, if one is set. */
    public Optional<String> variant() {
        return Optional.ofNullable(settings.get(ControlSettings.VARIANT)).map(Setting::value);
    }

    /** The setting {@code name} in force, if it was set. */
    public Optional<Setting> setting(String name) {
        return Optional.ofNullable(settings.get(name));
    }

    /** Every setting in force, in the order of {@link ControlSettings#ALL}. */
    public List<Setting> settings() {
        List<Setting> all = new ArrayList<>();
        ControlSettings.ALL.forEach(name -> setting(name).ifPresent(all::add));
        return all;
    }

    /** The ramp schedule, if one is set. */
    public Optional<Ramp> ramp() {
        return Optional.ofNullable(ramp);
    }

    /**
     * The canary's percent when {@value ControlSettings#PERCENT} chooses the partitions (the newer of the two
     * selections); empty when partitions are named.
     */
    public Optional<BigDecimal> percent() {
        return ControlSettings.PARTITIONS.equals(selectedBy) ? Optional.empty() : Optional.of(percent);
    }

    /** The setting that chooses the canary partitions now, if any: the newer of percent and partitions. */
    public Optional<Setting> selection() {
        return selectedBy == null ? Optional.empty() : setting(selectedBy);
    }

    /** When the canary variant was last set (the canary's start): its figures count from then. */
    public Optional<Instant> startedAt() {
        return setting(ControlSettings.VARIANT).map(Setting::updatedAt);
    }

    /** The partitions of {@code tasks} (which has {@code partitionCount}) whose tasks run the canary variant. */
    public SortedSet<Integer> canaryPartitions(int partitionCount) {
        SortedSet<Integer> chosen = new TreeSet<>();
        if (variant().isEmpty() || selectedBy == null) {
            return chosen;
        }
        if (selectedBy.equals(ControlSettings.PARTITIONS)) {
            partitions.stream().filter(p -> p < partitionCount).forEach(chosen::add);
        } else {
            for (int p = 0; p < lowestPartitions(percent, partitionCount); p++) {
                chosen.add(p);
            }
        }
        return chosen;
    }

    /** ⌈{@code partitionCount} × {@code percent} / 100⌉, computed exactly. */
    static int lowestPartitions(BigDecimal percent, int partitionCount) {
        return BigDecimal.valueOf(partitionCount).multiply(percent).divide(HUNDRED, 0, RoundingMode.CEILING).intValue();
    }

    /** Whether any task now runs the canary. */
    public boolean live(int partitionCount) {
        return !canaryPartitions(partitionCount).isEmpty();
    }

    /** The variant a task read from {@code partition} of {@code tasks} runs on. */
    public String variantOf(int partition, int partitionCount) {
        if (variant().isEmpty() || selectedBy == null) {
            return ControlSettings.BASELINE;
        }
        boolean canary = selectedBy.equals(ControlSettings.PARTITIONS)
                ? partitions.contains(partition)
                : partition < lowestPartitions(percent, partitionCount);
        return canary ? variant().get() : ControlSettings.BASELINE;
    }

    /**
     * What the settings really mean for {@code tasks} with {@code partitionCount} partitions, in one line, e.g.
     * {@code canary 'fast' on partitions 0-4 of 20 = 25% of tasks (canary.percent 25)}.
     */
    public String describe(int partitionCount) {
        SortedSet<Integer> chosen = canaryPartitions(partitionCount);
        if (variant().isEmpty()) {
            return "no canary: every task runs on baseline";
        }
        String by = selection().map(s -> s.name() + " " + (s.value().isEmpty() ? "(none)" : s.value()))
                .orElse("no percent or partitions set");
        if (chosen.isEmpty()) {
            return "canary '" + variant().get() + "' on no partition: every task runs on baseline (" + by + ")";
        }
        return "canary '" + variant().get() + "' on partition" + (chosen.size() == 1 ? " " : "s ") + ranges(chosen)
                + " of " + partitionCount + " = " + share(chosen.size(), partitionCount) + " of tasks (" + by + ")";
    }

    /** {@code count / of} as a percentage for people: {@code 25%}, {@code 33.3%}. */
    public static String share(int count, int of) {
        BigDecimal share = BigDecimal.valueOf(count * 100L).divide(BigDecimal.valueOf(of), 1, RoundingMode.HALF_UP)
                .stripTrailingZeros();
        return share.toPlainString() + "%";
    }

    /** {@code 0-4,7,9-10}. */
    static String ranges(SortedSet<Integer> partitions) {
        StringBuilder text = new StringBuilder();
        Integer start = null;
        Integer previous = null;
        for (int p : partitions) {
            if (previous != null && p == previous + 1) {
                previous = p;
                continue;
            }
            append(text, start, previous);
            start = p;
            previous = p;
        }
        append(text, start, previous);
        return text.toString();
    }

    private static void append(StringBuilder text, Integer start, Integer end) {
        if (start == null) {
            return;
        }
        if (!text.isEmpty()) {
            text.append(',');
        }
        text.append(start).append(start.equals(end) ? "" : "-" + end);
    }

    /**
     * Partitions written {@code 0,7,13} (empty: none).
     *
     * @throws IllegalArgumentException naming the part that is not a partition number
     */
    static List<Integer> partitions(String text) {
        List<Integer> partitions = new ArrayList<>();
        if (text.isBlank()) {
            return partitions;
        }
        for (String part : text.split(",", -1)) {
            try {
                int partition = Integer.parseInt(part.strip());
                if (partition < 0) {
                    throw new NumberFormatException();
                }
                partitions.add(partition);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not a partition number");
            }
        }
        return partitions;
    }

    @Override
    public String toString() {
        return "CanaryState" + settings.values();
    }
}
