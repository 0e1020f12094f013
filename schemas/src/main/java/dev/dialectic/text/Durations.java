package dev.dialectic.text;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type and read them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}. Every command
 * line of Dialectic ({@code cli}, {@code bench}) takes durations in this notation.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

    private Durations() {}

    /**
     * Parses a sequence of amounts with units ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}), e.g.
     * {@code 1m30s}, or an ISO-8601 duration such as {@code PT30S}. A bare number is refused: seconds and
     * milliseconds are both plausible readings, and guessing wrong is a thousandfold error.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static Duration parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("p")) {
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw notADuration(text);
            }
        }
        if (!WHOLE.matcher(value).matches()) {
            throw notADuration(text);
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(value);
        while (part.find()) {
            long amount;
            try {
                amount = Long.parseLong(part.group(1));
                total = total.plus(switch (part.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException("duration '" + text + "' is too long");
            }
        }
        return total;
    }

    /**
     * A short human reading: {@code 340ms}, {@code 4.5s}, {@code 2m5.3s}, {@code 6m}, {@code 1h30m}; negative
     * durations get a minus.
     */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        long millis = duration.toMillis();
        if (millis < 1_000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long minutes = millis / 60_000;
        long restMillis = millis % 60_000;
        if (minutes >= 60) {
            return minutes % 60 == 0 ? minutes / 60 + "h" : minutes / 60 + "h" + minutes % 60 + "m";
        }
        return restMillis == 0 ? minutes + "m" : String.format(Locale.ROOT, "%dm%.1fs", minutes, restMillis / 1000.0);
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500ms, 30s, 2m, 1h30m)");
    }
}
