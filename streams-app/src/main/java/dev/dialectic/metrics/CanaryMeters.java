package dev.dialectic.metrics;

import dev.dialectic.canary.CanaryState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The canary's state as this process's orchestrator applies it, read when scraped: the share of {@code tasks}
 * partitions (and so of new tasks) routed to the canary variant, and whether a canary runs at all. Which variant
 * and who set it are in {@code GET /v1/canary} and {@code cli canary status}.
 */
public final class CanaryMeters {

    private CanaryMeters() {}

    /** Registers the gauges of the settings {@code state} supplies, for {@code tasks} of {@code partitionCount}. */
    public static void bind(Supplier<CanaryState> state, int partitionCount, MeterRegistry registry) {
        Gauge.builder("dialectic.canary.share", state,
                        s -> s.get().canaryPartitions(partitionCount).size() / (double) partitionCount)
                .description("Share of the partitions of tasks whose new tasks run on the canary variant (0 to 1)")
                .register(registry);
        Gauge.builder("dialectic.canary.live", state, s -> s.get().live(partitionCount) ? 1 : 0)
                .description("1 while a canary variant receives tasks, else 0").register(registry);
    }
}
