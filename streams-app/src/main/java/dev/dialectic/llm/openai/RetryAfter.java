package dev.dialectic.llm.openai;

import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** How long a server asked to wait before a retry, read from the headers of a failed response. */
final class RetryAfter {

    /** A plain decimal; exponents are refused, so a hostile value cannot make a huge number. */
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,12}(?:\\.\\d{1,9})?");
    /** One part of a Go-style duration as OpenAI writes its rate-limit resets: {@code 6m0s}, {@code 20ms}. */
    private static final Pattern DURATION_PART = Pattern.compile("(" + DECIMAL.pattern() + ")(ms|h|m|s)");

    private RetryAfter() {}

    /**
     * The wait the headers ask for: {@code retry-after-ms} (OpenAI's, in milliseconds), else {@code Retry-After}
     * (seconds or an HTTP-date, RFC 9110), else, for a rate-limited response, the later of OpenAI's
     * {@code x-ratelimit-reset-requests} and {@code x-ratelimit-reset-tokens}. Which limit was hit is not reliably
     * said, so the later reset is taken: waiting for it never retries too early.
     *
     * @param now the time the response arrived, to turn an HTTP-date into a wait
     */
    static Optional<Duration> from(HttpHeaders headers, boolean rateLimited, Instant now) {
        Optional<Duration> millis = headers.firstValue("retry-after-ms").flatMap(value -> decimal(value, 1_000_000));
        if (millis.isPresent()) {
            return millis;
        }
        Optional<Duration> retryAfter = headers.firstValue("retry-after").flatMap(value -> retryAfter(value, now));
        if (retryAfter.isPresent() || !rateLimited) {
            return retryAfter;
        }
        return Stream.of("x-ratelimit-reset-requests", "x-ratelimit-reset-tokens")
                .flatMap(name -> headers.firstValue(name).flatMap(RetryAfter::goDuration).stream())
                .max(Duration::compareTo);
    }

    /** A {@code Retry-After} value: delay-seconds, or an HTTP-date (a date already past means no wait). */
    static Optional<Duration> retryAfter(String value, Instant now) {
        Optional<Duration> seconds = decimal(value, 1_000_000_000);
        if (seconds.isPresent()) {
            return seconds;
        }
        try {
            Instant date = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(date.isAfter(now) ? Duration.between(now, date) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A duration like {@code 1h2m3.5s} or {@code 120ms}. */
    static Optional<Duration> goDuration(String value) {
        String text = value.strip();
        Matcher part = DURATION_PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long unit = switch (part.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                default -> 1_000_000L;
            };
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unit)));
            end = part.end();
        }
        return end > 0 && end == text.length() ? Optional.of(saturated(nanos)) : Optional.empty();
    }

    /** A non-negative decimal number of units of {@code nanosPerUnit} nanoseconds. */
    private static Optional<Duration> decimal(String value, long nanosPerUnit) {
        String text = value.strip();
        return DECIMAL.matcher(text).matches()
                ? Optional.of(saturated(new BigDecimal(text).multiply(BigDecimal.valueOf(nanosPerUnit))))
                : Optional.empty();
    }

    /** Nanoseconds as a duration, absurdly long waits capped rather than overflowing. */
    private static Duration saturated(BigDecimal nanos) {
        return Duration.ofNanos(nanos.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue());
    }
}
