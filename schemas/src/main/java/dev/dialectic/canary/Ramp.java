package dev.dialectic.canary;

import dev.dialectic.text.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A ramp schedule: the canary's percent goes through {@code steps}, one step further each time it has stayed
 * healthy for {@code hold} at the current one. Written on {@code control} as {@code <steps>/<hold>}, e.g.
 * {@code 5,25,50,100/10m}.
 *
 * @param steps percents, strictly increasing, each above 0 and at most 100
 * @param hold how long each step is held and watched before the next
 */
public record Ramp(List<BigDecimal> steps, Duration hold) {

    public Ramp {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a ramp needs at least one step");
        }
        BigDecimal previous = BigDecimal.ZERO;
        for (BigDecimal step : steps) {
            if (step.compareTo(previous) <= 0 || step.compareTo(CanaryState.HUNDRED) > 0) {
                throw new IllegalArgumentException("ramp steps must rise strictly from above 0 to at most 100, got "
                        + format(steps));
            }
            previous = step;
        }
        if (hold == null || hold.isZero() || hold.isNegative()) {
            throw new IllegalArgumentException("a ramp's hold must be positive, got " + hold);
        }
    }

    /**
     * The ramp written as {@code <steps>/<hold>}, e.g. {@code 5,25,50,100/10m}.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static Ramp parse(String text) {
        int slash = text == null ? -1 : text.lastIndexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("a ramp is <steps>/<hold>, e.g. 5,25,50,100/10m, got '" + text + "'");
        }
        return new Ramp(steps(text.substring(0, slash)), Durations.parse(text.substring(slash + 1)));
    }

    /**
     * Percents written {@code 5,25,50,100}.
     *
     * @throws IllegalArgumentException when one is not a number
     */
    public static List<BigDecimal> steps(String text) {
        List<BigDecimal> steps = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            try {
                steps.add(new BigDecimal(part.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ramp steps are percents like 5,25,50,100, got '" + text + "'");
            }
        }
        return steps;
    }

    /** The step after {@code percent}: the first step above it, if any. */
    public Optional<BigDecimal> next(BigDecimal percent) {
        return steps.stream().filter(step -> step.compareTo(percent) > 0).findFirst();
    }

    /** The first step. */
    public BigDecimal first() {
        return steps.getFirst();
    }

    /** As written on {@code control}. */
    @Override
    public String toString() {
        return format(steps) + "/" + holdText();
    }

    /** The hold as {@link Durations#parse} reads it back: {@code 10m}, {@code 90s}, {@code 1500ms}. */
    private String holdText() {
        long millis = hold.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
    }

    private static String format(List<BigDecimal> steps) {
        return steps.stream().map(BigDecimal::toPlainString).collect(Collectors.joining(","));
    }
}
