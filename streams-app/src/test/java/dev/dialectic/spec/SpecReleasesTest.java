package dev.dialectic.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Release variants: top-level overlays of the spec that canaries run. */
class SpecReleasesTest {

    private static final String BASE = """
            personas:
              thesis: {system.prompt: For.}
              antithesis: {system.prompt: Against.}
              synthesis: {system.prompt: Both.}
            stages:
              - {name: thesis, persona: thesis}
              - {name: antithesis, persona: antithesis}
              - {name: synthesis, persona: synthesis, inputs: [thesis, antithesis]}
            policies:
              gate: {min.chars: 5}
            """;

    private static final String WITH_RELEASES = BASE + """
            releases:
              concise:
                mode: sequential
                personas:
                  synthesis: {system.prompt: Be brief., model: small, api.key: sk-secret}
                policies:
                  gate: {max.chars: 500}
                  fallback: {enabled: false}
            """;

    @Test
    void aReleaseIsAnOverlayOfTheSpec() {
        PipelineSpec spec = SpecLoader.parse("s.yaml", WITH_RELEASES);
        assertThat(spec.releases()).containsOnlyKeys("concise");
        assertThat(spec.releases().get("concise").mode()).isEqualTo("sequential");

        PipelineSpec concise = spec.forRelease("concise");
        assertThat(concise.persona("synthesis")).containsEntry("system.prompt", "Be brief.").containsEntry("model", "small");
        assertThat(concise.persona("thesis")).containsEntry("system.prompt", "For.");
        assertThat(concise.policies().gate().maxChars()).isEqualTo(500);
        assertThat(concise.policies().gate().minChars()).as("kept from the spec").isEqualTo(5);
        assertThat(concise.policies().fallback().enabled()).isFalse();
        assertThat(concise.stages()).isEqualTo(spec.stages());
        assertThat(concise.releases()).isEmpty();

        assertThat(spec.forRelease("baseline")).isSameAs(spec);
        assertThatThrownBy(() -> spec.forRelease("other")).hasMessage("unknown release variant 'other' (releases: concise)");
    }

    @Test
    void printingKeepsReleasesAndRedactsTheirSecrets() {
        PipelineSpec spec = SpecLoader.parse("s.yaml", WITH_RELEASES);
        String printed = SpecLoader.print(spec);
        assertThat(printed).contains("releases:").contains("concise:").doesNotContain("sk-secret");
        assertThat(SpecLoader.parse("s.yaml", BASE).releases()).isEmpty();
        assertThat(SpecLoader.print(SpecLoader.parse("s.yaml", BASE))).doesNotContain("releases");
    }

    @Test
    void aReleaseThatCannotWorkIsRefusedWithItsPlace() {
        assertThatThrownBy(() -> SpecLoader.parse("s.yaml", BASE + "releases:\n  fast:\n    mode: quick\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("s.yaml:").hasMessageEndingWith(
                        "releases.fast.mode: unknown mode 'quick' (expected parallel, sequential or adaptive)");
        assertThatThrownBy(() -> SpecLoader.parse("s.yaml", BASE + "releases:\n  fast:\n    personas:\n"
                + "      critic: {model: m}\n"))
                .hasMessageContaining("releases.fast.personas: unknown persona 'critic'");
        assertThatThrownBy(() -> SpecLoader.parse("s.yaml", BASE + "releases:\n  fast:\n    personas:\n"
                + "      thesis: {temperature: 9}\n"))
                .hasMessageContaining("releases.fast.personas.thesis.temperature:");
        assertThatThrownBy(() -> SpecLoader.parse("s.yaml", BASE + "releases:\n  fast:\n    policies:\n"
                + "      gate: {max.passes: -1}\n"))
                .hasMessageContaining("releases.fast.policies.gate.max.passes: must be 0 or more, got -1");
        assertThatThrownBy(() -> SpecLoader.parse("s.yaml", BASE + "releases:\n  baseline: {}\n"))
                .hasMessageContaining("releases.baseline: 'baseline' is the spec itself");
        assertThatThrownBy(() -> SpecLoader.parse("s.yaml", BASE + "releases:\n  fast:\n    personas:\n"
                + "      synthesis: {prompt: '{input.critic}'}\n"))
                .hasMessageContaining("releases.fast.personas.synthesis.prompt: placeholder {input.critic} names no"
                        + " input of stage 'synthesis'");
    }

    @Test
    void topLevelVariantsSayWhereCanaryVariantsBelong() {
        assertThatThrownBy(() -> SpecLoader.parse("s.yaml", BASE + "variants:\n  fast: {}\n"))
                .hasMessageContaining("unknown key 'variants'")
                .hasMessageContaining("release variants for canaries are declared under the top-level key 'releases'");
    }
}
