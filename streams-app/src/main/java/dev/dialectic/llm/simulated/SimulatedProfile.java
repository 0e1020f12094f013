package dev.dialectic.llm.simulated;

import dev.dialectic.orchestrator.Pipeline;
import java.time.Duration;
import java.util.Objects;

/**
 * How a simulated model behaves: when its first token comes, when it finishes, how long its answers are, and
 * how often it fails. Tokens come evenly between the first token and the end.
 *
 * @param latency time from call to last token
 * @param timeToFirstToken time from call to first token
 * @param outputTokens tokens in every answer (at least 1)
 * @param jitter each call's timings vary uniformly by up to this fraction (0 = always the same)
 * @param errorRate probability that a call fails with a retryable error (like a 503) part-way through
 * @param timeoutRate probability that a call hangs until its thread is interrupted (like a stuck server)
 */
public record SimulatedProfile(
        Duration latency, Duration timeToFirstToken, int outputTokens, double jitter, double errorRate,
        double timeoutRate) {

    /** Token rate of the reference measurements, in tokens per second at speed factor 1. */
    public static final double REFERENCE_TOKENS_PER_SECOND = 20.0;

    public SimulatedProfile {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        if (latency.isNegative() || timeToFirstToken.isNegative() || timeToFirstToken.compareTo(latency) > 0) {
            throw new IllegalArgumentException(
                    "need 0 <= timeToFirstToken <= latency, got " + timeToFirstToken + " and " + latency);
        }
        // Written as "not within" so that NaN, which compares false with everything, is refused too.
        if (outputTokens < 1 || !(jitter >= 0 && jitter < 1) || !(errorRate >= 0 && errorRate <= 1)
                || !(timeoutRate >= 0 && timeoutRate <= 1)) {
            throw new IllegalArgumentException("need outputTokens >= 1, 0 <= jitter < 1 and rates in [0, 1]");
        }
    }

    /**
     * The reference timings of {@code persona} (thesis 4.5 s, antithesis 10.8 s, synthesis 14.2 s, any other
     * persona 4.5 s; first token after 10% of that; 20 tokens/s after it) scaled by {@code speedFactor}: 1.0 is
     * real time, 0.1 ten times faster, 0 instant. The answer's length does not depend on the factor.
     */
    public static SimulatedProfile reference(String persona, double speedFactor) {
        if (speedFactor < 0) {
            throw new IllegalArgumentException("speed factor must be >= 0, got " + speedFactor);
        }
        long referenceMillis = switch (persona) {
            case Pipeline.ANTITHESIS -> 10_800;
            case Pipeline.SYNTHESIS -> 14_200;
            default -> 4_500;
        };
        int tokens = 1 + (int) Math.round(0.9 * referenceMillis / 1000.0 * REFERENCE_TOKENS_PER_SECOND);
        Duration latency = Duration.ofNanos(Math.round(referenceMillis * 1e6 * speedFactor));
        return new SimulatedProfile(latency, latency.dividedBy(10), tokens, 0, 0, 0);
    }

    /** Tokens per second between the first token and the last. */
    public double tokensPerSecond() {
        double seconds = (latency.toNanos() - timeToFirstToken.toNanos()) / 1e9;
        return seconds <= 0 ? Double.POSITIVE_INFINITY : (outputTokens - 1) / seconds;
    }

    /** This profile with another latency, the first token at the same fraction of it, and the same length. */
    public SimulatedProfile withLatency(Duration newLatency) {
        double ttftShare = latency.isZero() ? 0.1 : (double) timeToFirstToken.toNanos() / latency.toNanos();
        return new SimulatedProfile(newLatency, Duration.ofNanos(Math.round(newLatency.toNanos() * ttftShare)),
                outputTokens, jitter, errorRate, timeoutRate);
    }

    /** This profile with another time to first token. */
    public SimulatedProfile withTimeToFirstToken(Duration ttft) {
        return new SimulatedProfile(latency, ttft, outputTokens, jitter, errorRate, timeoutRate);
    }

    /** This profile with a token rate: the answer's length follows from it and the streaming time. */
    public SimulatedProfile withTokensPerSecond(double rate) {
        double seconds = (latency.toNanos() - timeToFirstToken.toNanos()) / 1e9;
        return new SimulatedProfile(latency, timeToFirstToken, 1 + (int) Math.round(seconds * rate), jitter,
                errorRate, timeoutRate);
    }

    /** This profile with latency jitter. */
    public SimulatedProfile withJitter(double newJitter) {
        return new SimulatedProfile(latency, timeToFirstToken, outputTokens, newJitter, errorRate, timeoutRate);
    }

    /** This profile with faults injected. */
    public SimulatedProfile withFaults(double newErrorRate, double newTimeoutRate) {
        return new SimulatedProfile(latency, timeToFirstToken, outputTokens, jitter, newErrorRate, newTimeoutRate);
    }
}
