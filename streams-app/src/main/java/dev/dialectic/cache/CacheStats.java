package dev.dialectic.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cache's counts in this process: hits, misses and time saved by persona, records of the cache topic ignored
 * because they could not be decoded, and writes that failed. Read by the metrics (see
 * {@code dev.dialectic.metrics.CacheMeters}) and by tests.
 */
public final class CacheStats {

    /** The counts of one persona. */
    public static final class Persona {
        private final LongAdder hits = new LongAdder();
        private final LongAdder misses = new LongAdder();
        private final LongAdder savedMs = new LongAdder();

        public long hits() {
            return hits.sum();
        }

        public long misses() {
            return misses.sum();
        }

        /** Model time the hits saved (the original calls' durations), in milliseconds. */
        public long savedMs() {
            return savedMs.sum();
        }
    }

    private final Map<String, Persona> personas = new ConcurrentHashMap<>();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();

    /** The counts of {@code persona} (zero until it is looked up). */
    public Persona persona(String persona) {
        return personas.computeIfAbsent(persona, p -> new Persona());
    }

    void hit(String persona, long savedMs) {
        Persona counts = persona(persona);
        counts.hits.increment();
        counts.savedMs.add(Math.max(0, savedMs));
    }

    void miss(String persona) {
        persona(persona).misses.increment();
    }

    void ignored() {
        ignored.increment();
    }

    void writeFailed() {
        writeFailures.increment();
    }

    /** Records of the cache topic that could not be decoded and were ignored (never served). */
    public long ignoredRecords() {
        return ignored.sum();
    }

    /** Entries and tombstones that could not be written (the cache then misses, nothing else). */
    public long writeFailures() {
        return writeFailures.sum();
    }
}
