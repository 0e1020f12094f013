package dev.dialectic.cache;

import dev.dialectic.schema.CacheEntry;
import java.util.List;
import java.util.Optional;

/**
 * The cache of one process: a {@link CacheIndex} under a {@link CachePolicy}, counting hits and misses. On its own
 * it serves the tests of the orchestrator's logic; {@link SharedCache} fills it from the cache topic and writes
 * through it.
 */
public final class LocalCache implements CacheStore {

    private final CachePolicy policy;
    private final CacheStats stats;
    private final CacheIndex index = new CacheIndex();

    public LocalCache(CachePolicy policy, CacheStats stats) {
        this.policy = policy;
        this.stats = stats;
    }

    @Override
    public Optional<CacheEntry> lookup(String key, String persona, long now) {
        Optional<CacheEntry> found = index.get(key)
                .filter(entry -> entry.getPersona().equals(persona) && policy.fresh(entry, now));
        if (found.isPresent()) {
            stats.hit(persona, found.get().getCallMs());
        } else {
            stats.miss(persona);
        }
        return found;
    }

    @Override
    public void write(String key, CacheEntry entry) {
        keep(key, entry);
    }

    /**
     * Keeps {@code entry} when its persona uses the cache.
     *
     * @return the keys evicted to make room
     */
    List<String> keep(String key, CacheEntry entry) {
        CacheSettings settings = policy.settings(entry.getPersona());
        if (!settings.enabled()) {
            index.remove(key);
            return List.of();
        }
        return index.put(key, entry, settings.maxEntries());
    }

    /** Forgets {@code key} (a tombstone, or a record that could not be decoded). */
    void forget(String key) {
        index.remove(key);
    }

    /** Forgets the entries past their ttl at {@code now}; returns their keys. */
    List<String> expire(long now) {
        return index.expire(now, persona -> policy.settings(persona).ttl().toMillis());
    }

    /** The policy in force. */
    public CachePolicy policy() {
        return policy;
    }

    /** The counts. */
    public CacheStats stats() {
        return stats;
    }

    /** The entries held. */
    public CacheIndex index() {
        return index;
    }
}
