package dev.dialectic.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.schema.CacheEntry;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.spec.SpecLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What changes a cache key and what does not, the tenant rule, cache=off, settings and freshness. */
class CachePolicyTest {

    private static final PipelineSpec SPEC = SpecLoader.defaultSpec();
    private static final CachePolicy POLICY = CachePolicy.of(SPEC, "simulated", true);
    private static final List<PersonaInput> NONE = List.of();

    private static String key(CachePolicy policy, String persona, String goal, String context,
            List<PersonaInput> inputs, Map<String, String> attributes, String variant) {
        return policy.key(persona, goal, context, inputs, attributes, variant).orElseThrow();
    }

    private static String thesis(String goal, String context, Map<String, String> attributes) {
        return key(POLICY, "thesis", goal, context, NONE, attributes, "baseline");
    }

    private static CachePolicy withOverride(String key, String value) {
        return CachePolicy.of(SPEC.withOverrides(Map.of(key, value)), "simulated", true);
    }

    @Test
    void theSameRequestHasTheSameKeyAndAnyAnswerShapingPartChangesIt() {
        String base = thesis("Adopt Kafka?", "We are ten people.", Map.of());
        assertThat(thesis("Adopt Kafka?", "We are ten people.", Map.of())).isEqualTo(base).hasSize(64);
        assertThat(thesis("Adopt Kafka!", "We are ten people.", Map.of())).isNotEqualTo(base);
        assertThat(thesis("Adopt Kafka?", "We are eleven people.", Map.of())).isNotEqualTo(base);
        assertThat(thesis("Adopt Kafka?", null, Map.of())).isNotEqualTo(base)
                .isNotEqualTo(thesis("Adopt Kafka?", "", Map.of()));
        assertThat(key(POLICY, "antithesis", "Adopt Kafka?", "We are ten people.", NONE, Map.of(), "baseline"))
                .as("another persona").isNotEqualTo(base);
        assertThat(key(POLICY, "thesis", "Adopt Kafka?", "We are ten people.", NONE, Map.of(), "canary"))
                .as("another variant").isNotEqualTo(base);
        // Parts are length-prefixed: moving text from the goal to the context is another request.
        assertThat(thesis("Adopt Kafka? We", "are ten people.", Map.of())).isNotEqualTo(base);
    }

    @Test
    void inputsAreKeyedByStageAndText() {
        PersonaInput thesis = new PersonaInput("thesis", "thesis", "Yes.");
        String sequential = key(POLICY, "antithesis", "g", null, List.of(thesis), Map.of(), "baseline");
        assertThat(sequential).as("antithesis given the thesis vs in parallel")
                .isNotEqualTo(key(POLICY, "antithesis", "g", null, NONE, Map.of(), "baseline"));
        assertThat(key(POLICY, "antithesis", "g", null, List.of(new PersonaInput("thesis", "thesis", "No.")),
                Map.of(), "baseline")).isNotEqualTo(sequential);
        assertThat(key(POLICY, "antithesis", "g", null, List.of(new PersonaInput("thesis", "thesis-calm", "Yes.")),
                Map.of(), "baseline")).as("the persona that wrote an input does not matter, its text does")
                .isEqualTo(sequential);
        PersonaInput antithesis = new PersonaInput("antithesis", "antithesis", "No.");
        assertThat(key(POLICY, "synthesis", "g", null, List.of(thesis, antithesis), Map.of(), "baseline"))
                .isNotEqualTo(key(POLICY, "synthesis", "g", null, List.of(antithesis, thesis), Map.of(), "baseline"));
    }

    @Test
    void aChangedPromptModelOrProviderChangesTheKeyButLimitsAndTimeoutsDoNot() {
        String base = thesis("g", null, Map.of());
        assertThat(key(withOverride("persona.thesis.system.prompt", "Argue for it."), "thesis", "g", null, NONE,
                Map.of(), "baseline")).isNotEqualTo(base);
        assertThat(key(withOverride("persona.thesis.prompt", "{goal}"), "thesis", "g", null, NONE, Map.of(),
                "baseline")).isNotEqualTo(base);
        assertThat(key(withOverride("persona.thesis.model", "gpt-4o-mini"), "thesis", "g", null, NONE, Map.of(),
                "baseline")).isNotEqualTo(base);
        assertThat(key(withOverride("persona.thesis.temperature", "0.1"), "thesis", "g", null, NONE, Map.of(),
                "baseline")).isNotEqualTo(base);
        assertThat(key(CachePolicy.of(SPEC, "openai", true), "thesis", "g", null, NONE, Map.of(), "baseline"))
                .as("the default provider").isNotEqualTo(base);
        assertThat(key(withOverride("persona.thesis.requests.per.minute", "60"), "thesis", "g", null, NONE, Map.of(),
                "baseline")).isEqualTo(base);
        assertThat(key(withOverride("persona.thesis.total.timeout.ms", "1000"), "thesis", "g", null, NONE, Map.of(),
                "baseline")).isEqualTo(base);
        assertThat(key(withOverride("persona.thesis.cache.ttl.ms", "1000"), "thesis", "g", null, NONE, Map.of(),
                "baseline")).isEqualTo(base);
    }

    @Test
    void theTenantIsInTheKeyOtherAttributesAreNot() {
        String none = thesis("g", null, Map.of());
        String a = thesis("g", null, Map.of("tenant", "a"));
        assertThat(a).isNotEqualTo(none).isNotEqualTo(thesis("g", null, Map.of("tenant", "b")));
        assertThat(thesis("g", null, Map.of("tenant", "a", "team", "x", "tone", "calm"))).isEqualTo(a);
    }

    @Test
    void cacheOffOrADisabledPersonaHasNoKey() {
        assertThat(POLICY.key("thesis", "g", null, NONE, Map.of("cache", "off"), "baseline")).isEmpty();
        assertThat(POLICY.key("thesis", "g", null, NONE, Map.of("cache", " OFF "), "baseline")).isEmpty();
        assertThat(POLICY.key("thesis", "g", null, NONE, Map.of("cache", "on"), "baseline")).isPresent();
        assertThat(POLICY.key("critic", "g", null, NONE, Map.of(), "baseline")).as("not in the spec").isEmpty();
        CachePolicy thesisOff = withOverride("persona.thesis.cache.enabled", "false");
        assertThat(thesisOff.key("thesis", "g", null, NONE, Map.of(), "baseline")).isEmpty();
        assertThat(thesisOff.key("antithesis", "g", null, NONE, Map.of(), "baseline")).isPresent();
        assertThat(thesisOff.personas()).containsExactly("antithesis", "synthesis");
        CachePolicy off = CachePolicy.of(SPEC, "simulated", false);
        assertThat(off.enabled()).isFalse();
        assertThat(off.key("thesis", "g", null, NONE, Map.of(), "baseline")).isEmpty();
        assertThat(CachePolicy.disabled().enabled()).isFalse();
    }

    @Test
    void settingsDefaultToAnHourAndFiveHundredEntriesAndComeFromTheSpec() {
        assertThat(POLICY.settings("thesis")).isEqualTo(new CacheSettings(true, Duration.ofSeconds(3_600), 500));
        CachePolicy own = CachePolicy.of(SPEC.withOverrides(Map.of("persona.thesis.cache.ttl.ms", "2000",
                "persona.thesis.cache.max.entries", "3")), "simulated", true);
        assertThat(own.settings("thesis")).isEqualTo(new CacheSettings(true, Duration.ofSeconds(2), 3));
        assertThat(own.settings("nobody")).isEqualTo(CacheSettings.OFF);
        assertThatThrownBy(() -> new CacheSettings(true, Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEntryIsFreshForItsPersonasTtl() {
        CachePolicy own = withOverride("persona.thesis.cache.ttl.ms", "2000");
        CacheEntry entry = entry("thesis", 10_000);
        assertThat(own.fresh(entry, 10_000)).isTrue();
        assertThat(own.fresh(entry, 11_999)).isTrue();
        assertThat(own.fresh(entry, 12_000)).isFalse();
        assertThat(own.fresh(entry("synthesis", 10_000), 12_000)).as("default ttl").isTrue();
        assertThat(own.fresh(entry("nobody", 10_000), 10_001)).as("persona not cached").isFalse();
    }

    static CacheEntry entry(String persona, long createdAt) {
        return CacheEntry.newBuilder().setPersona(persona).setText(persona + " text").setProvider("simulated")
                .setModel("m").setCreatedAt(Instant.ofEpochMilli(createdAt)).setCallMs(1_500).setOutputTokens(10)
                .build();
    }
}
