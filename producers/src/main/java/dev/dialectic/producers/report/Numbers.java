package dev.dialectic.producers.report;

import java.util.Locale;

/**
 * How the text formats write figures: seconds with two decimals, shares as percentages with one, p-values
 * with three significant places; what is undefined (NaN, or an infinite change from a zero reference) as
 * "n/a". Locale-independent, so reports read the same everywhere.
 *
 * @param unicode whether to write − and → (otherwise - and ->), for terminals that cannot show them
 */
record Numbers(boolean unicode) {

    static final String NOT_AVAILABLE = "n/a";

    String minus() {
        return unicode ? "−" : "-";
    }

    String arrow() {
        return unicode ? "→" : "->";
    }

    /** Seconds, two decimals: {@code 30.10}. */
    String seconds(double seconds) {
        return !Double.isFinite(seconds) ? NOT_AVAILABLE
                : signed(String.format(Locale.ROOT, "%.2f", seconds), false);
    }

    /** A share as a percentage: {@code 98.6%}. */
    String percent(double share) {
        return !Double.isFinite(share) ? NOT_AVAILABLE : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    /** A relative change with its sign: {@code −10.7%}, {@code +4.0%}. */
    String change(double share) {
        return !Double.isFinite(share) ? NOT_AVAILABLE
                : signed(String.format(Locale.ROOT, "%.1f%%", share * 100), true);
    }

    /** A relative change of spread, rounded to whole percent as the seeds' reports had it: {@code −61%}. */
    String wholeChange(double share) {
        return !Double.isFinite(share) ? NOT_AVAILABLE
                : signed(String.format(Locale.ROOT, "%.0f%%", share * 100), true);
    }

    /** A difference of two shares in percentage points: {@code +1.4 pp}. */
    String points(double difference) {
        return !Double.isFinite(difference) ? NOT_AVAILABLE
                : signed(String.format(Locale.ROOT, "%.1f pp", difference * 100), true);
    }

    /** A difference in seconds with its sign: {@code −3.24 s}. */
    String secondsChange(double seconds) {
        return !Double.isFinite(seconds) ? NOT_AVAILABLE
                : signed(String.format(Locale.ROOT, "%.2f s", seconds), true);
    }

    /** A t statistic or degrees of freedom: {@code −2.74}, {@code 27.3}. */
    String decimal(double value, int places) {
        return signed(String.format(Locale.ROOT, "%." + places + "f", value), false);
    }

    /** A p-value: {@code 0.0113}, {@code 0.124}, {@code < 0.0001}. */
    String p(double p) {
        if (!Double.isFinite(p)) {
            return NOT_AVAILABLE;
        }
        return p < 0.0001 ? "< 0.0001" : String.format(Locale.ROOT, "%.3g", p);
    }

    /** A rate with its counts: {@code 98.6% (432/438)}. */
    String rate(Rate rate) {
        return percent(rate.value()) + " (" + rate.count() + "/" + rate.of() + ")";
    }

    private String signed(String number, boolean plus) {
        if (number.matches("-?0(\\.0+)?( s| pp|%)?")) {
            return number.replace("-", ""); // rounds to zero: no change, whatever its sign was
        }
        if (number.startsWith("-")) {
            return minus() + number.substring(1);
        }
        return plus ? "+" + number : number;
    }
}
