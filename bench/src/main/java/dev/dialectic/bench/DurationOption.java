package dev.dialectic.bench;

import dev.dialectic.text.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations of the benchmark's options: typed as everywhere in Dialectic ({@link Durations}: {@code 500ms},
 * {@code 30s}, {@code 2m}), shown in reports as {@code 250 ms} or {@code 1.5 s}.
 */
final class DurationOption implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** {@code 1.5 s}, {@code 250 ms}: how durations appear in reports. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1_000 ? millis + " ms"
                : BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros().toPlainString() + " s";
    }
}
