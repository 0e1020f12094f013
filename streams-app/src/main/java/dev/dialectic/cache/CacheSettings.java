package dev.dialectic.cache;

import dev.dialectic.spec.PersonaSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How one persona uses the response cache: whether at all, how long an answer stays servable, and how many answers
 * are kept. Set per persona in the pipeline spec ({@code cache.enabled}, {@code cache.ttl.ms},
 * {@code cache.max.entries}); the defaults are those of the system the cache comes from.
 *
 * @param enabled whether the persona's answers are looked up and stored
 * @param ttl how long after it was recorded an answer may be served
 * @param maxEntries answers kept for the persona at most; the oldest go first
 */
public record CacheSettings(boolean enabled, Duration ttl, int maxEntries) {

    /** Default of {@link #ttl}: one hour. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(3_600);
    /** Default of {@link #maxEntries}. */
    public static final int DEFAULT_MAX_ENTRIES = 500;
    /** Default of {@link #enabled}: a miss costs next to nothing, so the cache is on unless turned off. */
    public static final boolean DEFAULT_ENABLED = true;
    /** A persona that never uses the cache. */
    public static final CacheSettings OFF = new CacheSettings(false, DEFAULT_TTL, DEFAULT_MAX_ENTRIES);

    public CacheSettings {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero() || maxEntries < 1) {
            throw new IllegalArgumentException(
                    "cache ttl and max entries must be positive, got " + ttl + ", " + maxEntries);
        }
    }

    /** The settings in a persona's settings map (keys of {@link PersonaSettings}), defaults for those left out. */
    public static CacheSettings of(Map<String, String> persona) {
        String enabled = persona.get(PersonaSettings.CACHE_ENABLED);
        String ttl = persona.get(PersonaSettings.CACHE_TTL_MS);
        String max = persona.get(PersonaSettings.CACHE_MAX_ENTRIES);
        return new CacheSettings(enabled == null ? DEFAULT_ENABLED : Boolean.parseBoolean(enabled.strip()),
                ttl == null ? DEFAULT_TTL : Duration.ofMillis(Long.parseLong(ttl.strip())),
                max == null ? DEFAULT_MAX_ENTRIES : Integer.parseInt(max.strip()));
    }
}
