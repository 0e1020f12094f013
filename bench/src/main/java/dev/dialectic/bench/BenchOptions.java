package dev.dialectic.bench;

import java.time.Duration;

/**
 * The resolved knobs of a run (command-line values, or the defaults of a full or a {@code --quick} run).
 *
 * @param quick whether the quick defaults apply
 * @param speedFactor simulated speed factor of the overhead, modes and baseline scenarios
 * @param jitter simulated timing jitter of those scenarios
 * @param rate open-loop tasks per second of the overhead and baseline scenarios
 * @param warmup how long the overhead and baseline load runs before measuring starts
 * @param duration how long the overhead and baseline scenarios measure
 * @param modesTasks tasks per mode in the modes scenario, and tasks of its fallback group
 * @param modesRate open-loop tasks per second of the modes scenario (all modes together)
 * @param fallbackErrorRate probability that an antithesis call fails in the modes scenario's fallback group
 * @param outstanding tasks kept in flight by the closed-loop throughput scenario
 * @param throughputWarmup how long the throughput load runs before measuring starts
 * @param throughputDuration how long the throughput scenario measures
 * @param scaleTasks tasks submitted at once in the scale scenario
 * @param scaleLatency simulated latency of every stage in the scale scenario
 */
record BenchOptions(
        boolean quick, double speedFactor, double jitter, double rate, Duration warmup, Duration duration,
        int modesTasks, double modesRate, double fallbackErrorRate, int outstanding, Duration throughputWarmup,
        Duration throughputDuration, int scaleTasks, Duration scaleLatency) {

    BenchOptions {
        if (speedFactor < 0 || jitter < 0 || jitter >= 1 || rate <= 0 || modesRate <= 0 || modesTasks < 1
                || outstanding < 1 || scaleTasks < 1) {
            throw new IllegalArgumentException("need speed >= 0, 0 <= jitter < 1, positive rates and counts");
        }
        if (!(fallbackErrorRate >= 0 && fallbackErrorRate <= 1)) {
            throw new IllegalArgumentException("the fallback error rate must be in [0, 1], got " + fallbackErrorRate);
        }
        if (warmup.isNegative() || duration.isNegative() || duration.isZero() || throughputWarmup.isNegative()
                || throughputDuration.isNegative() || throughputDuration.isZero() || scaleLatency.isNegative()) {
            throw new IllegalArgumentException("durations must be positive (warm-ups may be zero)");
        }
    }
}
