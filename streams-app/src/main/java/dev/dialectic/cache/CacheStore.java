package dev.dialectic.cache;

import dev.dialectic.schema.CacheEntry;
import java.util.Optional;

/**
 * Where the orchestrator looks answers up and leaves new ones. Neither method blocks on I/O or throws: anything
 * wrong with the cache is a miss, and a write that cannot be made is dropped.
 */
public interface CacheStore {

    /** A store that never hits and keeps nothing. */
    CacheStore NONE = new CacheStore() {
        @Override
        public Optional<CacheEntry> lookup(String key, String persona, long now) {
            return Optional.empty();
        }

        @Override
        public void write(String key, CacheEntry entry) {}
    };

    /** {@code persona}'s fresh answer under {@code key} at {@code now}, if there is one (counted as hit or miss). */
    Optional<CacheEntry> lookup(String key, String persona, long now);

    /** Keeps {@code entry} under {@code key}, for every instance. */
    void write(String key, CacheEntry entry);

    /**
     * An answer to keep.
     *
     * @param key the cache key of the request answered
     * @param entry the answer
     */
    record Write(String key, CacheEntry entry) {}
}
