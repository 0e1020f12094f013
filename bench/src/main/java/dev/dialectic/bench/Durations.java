package dev.dialectic.bench;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/** Parses option durations: {@code 250ms}, {@code 30s}, {@code 2m}, a bare number of seconds, or ISO-8601. */
final class Durations implements ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher matcher = SHORT.matcher(value);
        if (matcher.matches()) {
            double amount = Double.parseDouble(matcher.group(1));
            double millis = switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                default -> amount * 1_000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
        try {
            return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 500ms, 30s, 2m)");
        }
    }

    /** {@code 1.5 s}, {@code 250 ms}: how durations appear in reports. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1_000 ? millis + " ms"
                : BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros().toPlainString() + " s";
    }
}
