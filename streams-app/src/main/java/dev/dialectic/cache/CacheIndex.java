package dev.dialectic.cache;

import dev.dialectic.schema.CacheEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The cache's entries in memory, by key, with each persona's entries ordered by age so that evicting the oldest
 * and finding the expired are cheap. Decides evictions and expiries; does no I/O (the caller writes the tombstones).
 * Thread-safe: stream threads read it while the cache topic's reader fills it.
 */
public final class CacheIndex {

    private record Slot(long createdAt, String key) {}

    private static final Comparator<Slot> OLDEST_FIRST = Comparator.comparingLong(Slot::createdAt)
            .thenComparing(Slot::key);

    private final Map<String, CacheEntry> entries = new HashMap<>();
    private final Map<String, NavigableSet<Slot>> byPersona = new HashMap<>();

    /** The entry under {@code key}, fresh or not. */
    public synchronized Optional<CacheEntry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /**
     * Keeps {@code entry} under {@code key} (replacing what was there), then evicts the oldest entries of its persona
     * beyond {@code maxEntries}.
     *
     * @return the keys evicted, oldest first (possibly {@code key} itself, when the entry is older than all others)
     */
    public synchronized List<String> put(String key, CacheEntry entry, int maxEntries) {
        remove(key);
        entries.put(key, entry);
        NavigableSet<Slot> slots = byPersona.computeIfAbsent(entry.getPersona(), p -> new TreeSet<>(OLDEST_FIRST));
        slots.add(new Slot(entry.getCreatedAt().toEpochMilli(), key));
        List<String> evicted = new ArrayList<>();
        while (slots.size() > maxEntries) {
            Slot oldest = slots.pollFirst();
            entries.remove(oldest.key());
            evicted.add(oldest.key());
        }
        return evicted;
    }

    /** Forgets {@code key}; whether it was there. */
    public synchronized boolean remove(String key) {
        CacheEntry old = entries.remove(key);
        if (old == null) {
            return false;
        }
        NavigableSet<Slot> slots = byPersona.get(old.getPersona());
        slots.remove(new Slot(old.getCreatedAt().toEpochMilli(), key));
        return true;
    }

    /**
     * Forgets every entry older than its persona's ttl at {@code now}.
     *
     * @param ttlMillis a persona's ttl in milliseconds
     * @return the keys forgotten
     */
    public synchronized List<String> expire(long now, Function<String, Long> ttlMillis) {
        List<String> expired = new ArrayList<>();
        byPersona.forEach((persona, slots) -> {
            long ttl = ttlMillis.apply(persona);
            while (!slots.isEmpty() && slots.first().createdAt() + ttl <= now) {
                Slot oldest = slots.pollFirst();
                entries.remove(oldest.key());
                expired.add(oldest.key());
            }
        });
        return expired;
    }

    /** Entries held for {@code persona}. */
    public synchronized int size(String persona) {
        NavigableSet<Slot> slots = byPersona.get(persona);
        return slots == null ? 0 : slots.size();
    }

    /** Entries held in all. */
    public synchronized int size() {
        return entries.size();
    }
}
