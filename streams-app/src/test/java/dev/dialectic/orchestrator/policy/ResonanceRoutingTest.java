package dev.dialectic.orchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.spec.SpecLoader;
import dev.dialectic.spec.StageSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing by resonance, including each way the parser this replaces broke. */
class ResonanceRoutingTest {

    static final String SPEC = """
            personas:
              thesis: {}
              synthesis: {}
              synthesis-calm: {}
              synthesis-brisk: {}
              synthesis-deep: {}
            stages:
              - {name: thesis, persona: thesis}
              - name: synthesis
                persona: synthesis
                inputs: [thesis]
                variants:
                  - {persona: synthesis-calm, resonance: {tone: calm, pace: slow}}
                  - {persona: synthesis-brisk, resonance: {tone: Direct, pace: fast, intent: decide}}
                  - {persona: synthesis-deep, resonance: {intent: Deep_Dive}}
            policies:
              routing:
                synonyms:
                  tone: {calm: [relaxed, gentle]}
                  intent: {decide: [choose]}
            """;

    private final PipelineSpec spec = SpecLoader.parse("routing.yaml", SPEC);
    private final ResonanceParser parser = new ResonanceParser(spec);
    private final PersonaRouter router = new PersonaRouter(parser);
    private final StageSpec synthesis = spec.stages().get(1);

    private String route(Map<String, String> attributes) {
        return router.route(synthesis, parser.parse(attributes));
    }

    @Test
    void positionalAndNamedKeysReachTheVariantTheSpecSays() {
        assertThat(route(Map.of("resonance_key", "calm-slow-explore"))).isEqualTo("synthesis-calm");
        assertThat(route(Map.of("resonance_key", "tone=direct;pace=fast;intent=decide"))).isEqualTo("synthesis-brisk");
        assertThat(route(Map.of("resonance_key", "intent: deep-dive"))).isEqualTo("synthesis-deep");
    }

    @Test
    void valuesAreComparedAsCanonicalStringsNotEnumsWhateverTheirCase() {
        assertThat(parser.parse(Map.of("resonance_key", "CALM-Slow")).values())
                .containsExactlyInAnyOrderEntriesOf(Map.of("tone", "calm", "pace", "slow"));
        assertThat(route(Map.of("tone", "DIRECT", "pace", "Fast"))).isEqualTo("synthesis-brisk");
        assertThat(route(Map.of("Tone", "calm"))).as("attribute names are tolerant too").isEqualTo("synthesis-calm");
    }

    @Test
    void underscoresHyphensAndSpacesInIntentsAreTheSame() {
        for (String intent : new String[] {"deep_dive", "deep-dive", "Deep Dive", " DEEP__dive "}) {
            assertThat(route(Map.of("intent", intent))).as(intent).isEqualTo("synthesis-deep");
        }
        assertThat(route(Map.of("resonance_key", "calm_slow_deep_dive")).equals("synthesis-calm")).isTrue();
        assertThat(parser.parse(Map.of("resonance_key", "calm_slow_deep_dive")).values())
                .containsEntry("intent", "deep-dive");
    }

    @Test
    void partialKeysMatch() {
        assertThat(route(Map.of("resonance_key", "calm"))).isEqualTo("synthesis-calm");
        assertThat(route(Map.of("resonance_key", "fast"))).as("a lone pace, not taken for a tone")
                .isEqualTo("synthesis-brisk");
        assertThat(route(Map.of("resonance_key", "pace=slow"))).isEqualTo("synthesis-calm");
    }

    @Test
    void synonymsListedInTheSpecCount() {
        assertThat(route(Map.of("resonance_key", "relaxed"))).isEqualTo("synthesis-calm");
        assertThat(route(Map.of("intent", "choose"))).isEqualTo("synthesis-brisk");
    }

    @Test
    void unknownValuesAreIgnoredAndNotedNeverRejected() {
        Resonance resonance = parser.parse(Map.of("resonance_key", "grumpy-slow;mood=odd", "pace", "glacial"));
        assertThat(resonance.notes()).isNotEmpty();
        Resonance positional = parser.parse(Map.of("resonance_key", "grumpy-slow", "intent", "wander"));
        assertThat(positional.values()).containsExactlyEntriesOf(Map.of("pace", "slow"));
        assertThat(positional.notes()).containsExactly("resonance value 'grumpy' is unknown; ignored",
                "intent 'wander' is unknown; ignored");
        Resonance named = parser.parse(Map.of("resonance_key", "mood=odd;tone=;pace=slow"));
        assertThat(named.values()).containsExactlyEntriesOf(Map.of("pace", "slow"));
        assertThat(named.notes()).containsExactly(
                "resonance dimension 'mood' is unknown (known: tone, pace, intent); ignored",
                "resonance part 'tone=' has no value; ignored");
    }

    @Test
    void nothingMatchingGivesTheDefaultAndTiesGoToTheFewestConflictsThenTheFirstListed() {
        assertThat(route(Map.of())).isEqualTo("synthesis");
        assertThat(route(Map.of("resonance_key", "nonsense"))).isEqualTo("synthesis");
        // calm matches the first variant, fast the second: one match each, one conflict each; the first wins.
        assertThat(route(Map.of("tone", "calm", "pace", "fast"))).isEqualTo("synthesis-calm");
        // direct + slow: brisk matches tone, conflicts on pace; calm matches pace, conflicts on tone; first wins.
        assertThat(route(Map.of("tone", "direct", "pace", "slow"))).isEqualTo("synthesis-calm");
        // decide: only brisk matches.
        assertThat(route(Map.of("intent", "decide", "pace", "slow"))).isEqualTo("synthesis-calm");
        assertThat(route(Map.of("tone", "direct", "intent", "decide"))).isEqualTo("synthesis-brisk");
        assertThat(route(Map.of("resonance_key", "calm-slow"))).as("deterministic")
                .isEqualTo(route(Map.of("resonance_key", "calm-slow")));
    }
}
