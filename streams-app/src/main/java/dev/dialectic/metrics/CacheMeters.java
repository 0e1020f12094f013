package dev.dialectic.metrics;

import dev.dialectic.cache.CacheStats;
import dev.dialectic.cache.SharedCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * The response cache's meters, read from its counts when scraped: hits, misses and model time saved by persona
 * (the hit rate is hits / (hits + misses)), entries held, and records of the cache topic ignored as undecodable.
 * Counted by the process whose orchestrator looked the stage up, so sums over processes count each lookup once.
 */
public final class CacheMeters {

    private CacheMeters() {}

    /** Registers the meters of {@code cache}, for every persona that uses it. */
    public static void bind(SharedCache cache, MeterRegistry registry) {
        CacheStats stats = cache.stats();
        for (String persona : cache.local().policy().personas()) {
            CacheStats.Persona counts = stats.persona(persona);
            FunctionCounter.builder("dialectic.cache.hits", counts, CacheStats.Persona::hits)
                    .description("Stages answered from the response cache instead of a model call")
                    .tag("persona", persona).register(registry);
            FunctionCounter.builder("dialectic.cache.misses", counts, CacheStats.Persona::misses)
                    .description("Cache lookups that found no fresh answer (the stage was requested)")
                    .tag("persona", persona).register(registry);
            FunctionCounter.builder("dialectic.cache.saved.seconds", counts,
                            c -> c.savedMs() / (double) TimeUnit.SECONDS.toMillis(1))
                    .description("Model time the cache hits saved (the cached answers' original call durations)")
                    .tag("persona", persona).register(registry);
            Gauge.builder("dialectic.cache.entries", cache.local().index(), index -> index.size(persona))
                    .description("Cached answers held by this process").tag("persona", persona).register(registry);
        }
        FunctionCounter.builder("dialectic.cache.records.ignored", stats, CacheStats::ignoredRecords)
                .description("Records of the cache topic that could not be decoded; ignored, never served")
                .register(registry);
        FunctionCounter.builder("dialectic.cache.write.failures", stats, CacheStats::writeFailures)
                .description("Cache entries and tombstones that could not be written")
                .register(registry);
    }
}
