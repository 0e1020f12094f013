package dev.dialectic.bench;

import java.util.Locale;
import java.util.Objects;

/**
 * One headline number of a run, printed as {@code name: value unit} on a line of its own (for example
 * {@code overhead.p50: 37 ms}) so runs can be compared with {@code grep} and {@code diff}.
 *
 * @param name dotted name, starting with the scenario's name
 * @param value the number (NaN when it could not be measured)
 * @param unit what it counts: ms, s, x (a ratio), tasks/s, cores, MiB, tasks
 */
public record Figure(String name, double value, String unit) {

    public Figure {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
    }

    /** {@code name: value unit}, the value rounded as {@link #format} does. */
    public String line() {
        return name + ": " + format(value, unit) + " " + unit;
    }

    /**
     * The value with as many decimals as its size warrants: ratios ({@code x}) always two; otherwise none for
     * whole numbers and from 10 up, one from 1 up, two below. Enough to compare runs without suggesting precision the clocks lack.
     */
    static String format(double value, String unit) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double magnitude = Math.abs(value);
        int decimals = "x".equals(unit) ? 2 : magnitude >= 10 || value == Math.rint(value) ? 0 : magnitude >= 1 ? 1 : 2;
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
