package dev.dialectic.cache;

import static dev.dialectic.cache.CachePolicyTest.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.spec.SpecLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Eviction of the oldest beyond a persona's maximum, expiry by ttl, and the local cache's hits and misses. */
class CacheIndexTest {

    @Test
    void theOldestEntriesOfAPersonaAreEvictedBeyondItsMaximum() {
        CacheIndex index = new CacheIndex();
        assertThat(index.put("a", entry("thesis", 1_000), 2)).isEmpty();
        assertThat(index.put("b", entry("thesis", 3_000), 2)).isEmpty();
        assertThat(index.put("x", entry("antithesis", 500), 2)).as("other personas count apart").isEmpty();
        assertThat(index.put("c", entry("thesis", 2_000), 2)).containsExactly("a");
        assertThat(index.get("a")).isEmpty();
        assertThat(index.size("thesis")).isEqualTo(2);
        assertThat(index.put("d", entry("thesis", 100), 2)).as("an entry older than all others goes at once")
                .containsExactly("d");
        assertThat(index.put("b", entry("thesis", 4_000), 2)).as("replacing a key keeps one entry").isEmpty();
        assertThat(index.size()).isEqualTo(3);
        assertThat(index.get("b").orElseThrow().getCreatedAt().toEpochMilli()).isEqualTo(4_000);
    }

    @Test
    void expiryForgetsEntriesOlderThanTheirPersonasTtl() {
        CacheIndex index = new CacheIndex();
        index.put("a", entry("thesis", 1_000), 10);
        index.put("b", entry("thesis", 5_000), 10);
        index.put("x", entry("antithesis", 1_000), 10);
        Map<String, Long> ttl = Map.of("thesis", 2_000L, "antithesis", 10_000L);
        assertThat(index.expire(3_000, ttl::get)).containsExactly("a");
        assertThat(index.expire(3_000, ttl::get)).isEmpty();
        assertThat(index.expire(7_000, ttl::get)).containsExactly("b");
        assertThat(index.get("x")).isPresent();
        assertThat(index.remove("x")).isTrue();
        assertThat(index.remove("x")).isFalse();
        assertThat(index.size()).isZero();
    }

    @Test
    void theLocalCacheServesOnlyFreshEntriesOfTheAskingPersonaAndCountsHitsAndMisses() {
        CachePolicy policy = CachePolicy.of(SpecLoader.defaultSpec().withOverrides(
                Map.of("persona.thesis.cache.ttl.ms", "2000", "persona.antithesis.cache.enabled", "false")),
                "simulated", true);
        LocalCache cache = new LocalCache(policy, new CacheStats());
        cache.write("k", entry("thesis", 10_000));
        cache.write("off", entry("antithesis", 10_000));

        assertThat(cache.lookup("k", "thesis", 11_000)).isPresent();
        assertThat(cache.lookup("k", "synthesis", 11_000)).as("another persona's entry").isEmpty();
        assertThat(cache.lookup("k", "thesis", 12_000)).as("expired").isEmpty();
        assertThat(cache.lookup("off", "antithesis", 10_001)).as("persona not cached: not kept").isEmpty();
        assertThat(cache.index().get("off")).isEmpty();
        assertThat(cache.stats().persona("thesis").hits()).isEqualTo(1);
        assertThat(cache.stats().persona("thesis").savedMs()).isEqualTo(1_500);
        assertThat(cache.stats().persona("thesis").misses()).isEqualTo(1);
        assertThat(cache.stats().persona("synthesis").misses()).isEqualTo(1);

        assertThat(cache.expire(12_000)).containsExactly("k");
        cache.forget("nothing");
        assertThat(cache.index().size()).isZero();
    }
}
