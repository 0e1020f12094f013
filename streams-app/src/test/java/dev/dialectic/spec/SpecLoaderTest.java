package dev.dialectic.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {

    static final String CRITICS = """
            personas:
              critic-cost: {system.prompt: You judge the cost.}
              critic-risk: {system.prompt: You judge the risks.}
              critic-users: {system.prompt: You judge what users get.}
              synthesis:
                prompt: |
                  Goal: {goal}
                  Cost: {input.cost}
                  Risk: {input.risk}
                  Users: {input.users}
            stages:
              - {name: cost, persona: critic-cost}
              - {name: risk, persona: critic-risk}
              - {name: users, persona: critic-users}
              - {name: synthesis, persona: synthesis, inputs: [cost, risk, users]}
            """;

    @Test
    void theDefaultSpecIsTheDialecticPipeline() {
        PipelineSpec spec = SpecLoader.defaultSpec();
        assertThat(spec.stages()).extracting(StageSpec::name).containsExactly("thesis", "antithesis", "synthesis");
        assertThat(spec.stages().getLast().inputs()).containsExactly("thesis", "antithesis");
        assertThat(spec.persona("thesis")).containsKey(PersonaSettings.SYSTEM_PROMPT);
        assertThat(spec.policies().adaptive().threshold()).isEqualTo(5.0);
        assertThat(spec.policies().gate().maxPasses()).isEqualTo(1);
        assertThat(spec.policies().routing().synonyms().get("tone")).containsKey("calm");
    }

    @Test
    void aThreeCriticJoinLoadsAndPrintsBackTheSame() {
        PipelineSpec spec = SpecLoader.parse("critics.yaml", CRITICS);
        assertThat(spec.requestedPersonas())
                .containsExactly("critic-cost", "critic-risk", "critic-users", "synthesis");
        assertThat(spec.policies()).isEqualTo(Policies.DEFAULT);
        assertThat(SpecLoader.parse("printed", SpecLoader.print(spec))).isEqualTo(spec);
    }

    @Test
    void printingRedactsSecretsAndShowsOverrides() {
        PipelineSpec spec = SpecLoader.parse("critics.yaml", CRITICS).withOverrides(Map.of(
                "persona.synthesis.api.key", "sk-secret", "persona.critic-cost.max.tokens", "99", "other.key", "x"));
        String printed = SpecLoader.print(spec);
        assertThat(printed).doesNotContain("sk-secret").contains("[redacted]").contains("max.tokens: 99");
        assertThat(spec.persona("critic-cost")).containsEntry("max.tokens", "99");
    }

    @Test
    void overridesMustNameAPersonaOfTheSpecAndAValidSetting() {
        PipelineSpec spec = SpecLoader.defaultSpec();
        SpecLoader.checkOverrides(spec, Map.of("persona.thesis.max.tokens", "10", "llm.provider", "openai"));
        assertThatThrownBy(() -> SpecLoader.checkOverrides(spec, Map.of("persona.critic.model", "m")))
                .hasMessage("persona.critic.model: no persona of the spec is named by it"
                        + " (personas: thesis, antithesis, synthesis)");
        assertThatThrownBy(() -> SpecLoader.checkOverrides(spec, Map.of("persona.thesis.max.tokens", "many")))
                .hasMessageStartingWith("persona.thesis.max.tokens: Invalid value many");
        assertThatThrownBy(() -> SpecLoader.checkOverrides(spec, Map.of("persona.thesis.temprature", "1")))
                .hasMessage("persona.thesis.temprature: unknown persona setting 'temprature' (see --list-settings)");
    }

    @Test
    void aCycleIsRefusedWithItsPlace() {
        assertRefused("""
                personas: {p: {}}
                stages:
                  - {name: a, persona: p, inputs: [c]}
                  - {name: b, persona: p, inputs: [a]}
                  - {name: c, persona: p, inputs: [b]}
                  - {name: d, persona: p, inputs: [c]}
                """, "s.yaml:3:27: stages[0].inputs: the stages form a cycle: a <- c <- b <- a");
    }

    @Test
    void unknownInputsPersonasAndProvidersAreRefusedWithTheirPlace() {
        assertRefused("""
                personas: {p: {}}
                stages:
                  - {name: a, persona: p}
                  - name: b
                    persona: p
                    inputs: [a, x]
                """, "s.yaml:6:17: stages[1].inputs[1]: unknown input 'x' (stages: a, b)");
        assertRefused("""
                personas: {p: {}}
                stages:
                  - name: a
                    persona: q
                """, "s.yaml:4:5: stages[0].persona: unknown persona 'q' (personas: p)");
        assertRefused("""
                personas:
                  p:
                    provider: gpt
                stages:
                  - {name: a, persona: p}
                """, "s.yaml:3:5: personas.p.provider: Invalid value gpt for configuration provider:"
                + " unknown provider (known: simulated, openai, llamacpp)");
    }

    @Test
    void aPlaceholderNamingNoInputIsRefused() {
        assertRefused("""
                personas:
                  p: {}
                  s:
                    prompt: "Goal: {goal} Thesis: {input.thesis} JSON like {\\"a\\": 1} is text"
                stages:
                  - {name: a, persona: p}
                  - {name: s, persona: s, inputs: [a]}
                """, "s.yaml:4:5: personas.s.prompt: placeholder {input.thesis} names no input of stage 's'"
                + " (its inputs: a)");
    }

    @Test
    void twoFinalStagesAMissingKeyAndAnUnknownKeyAreRefused() {
        assertRefused("""
                personas: {p: {}}
                stages:
                  - {name: a, persona: p}
                  - {name: b, persona: p}
                """, "s.yaml:4:5: stages[1]: 2 final stages (a, b): exactly one stage may be left out of every"
                + " other stage's inputs");
        assertRefused("""
                personas: {p: {}}
                stages:
                  - {name: a}
                """, "s.yaml:3:5: stages[0]: missing key 'persona'");
        assertRefused("""
                personas: {p: {}}
                stages:
                  - {name: a, persona: p, input: [b]}
                """, "s.yaml:3:38: stages[0].input: unknown key 'input'");
        assertRefused("stages: []\n", "s.yaml: personas: missing key: at least one persona is needed");
    }

    @Test
    void malformedYamlAndBadPolicyValuesAreOneLine() {
        assertThatThrownBy(() -> SpecLoader.parse("s.yaml", "personas: {p: {}\nstages: [\n"))
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith("s.yaml:").doesNotContain("\n"));
        assertRefused("""
                personas: {p: {}}
                stages: [{name: a, persona: p}]
                policies:
                  gate: {judge: nobody}
                """, "s.yaml:4:10: policies.gate.judge: unknown persona 'nobody' (personas: p)");
        assertRefused("""
                personas: {p: {}}
                stages: [{name: a, persona: p}]
                policies:
                  adaptive: {threshold: many}
                """, "s.yaml:4:25: policies.adaptive.threshold: Cannot deserialize value of type `java.lang.Double`"
                + " from String \"many\": not a valid `Double` value");
    }

    @Test
    void aMissingFileIsOneLine(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> SpecLoader.load(dir.resolve("none.yaml")))
                .hasMessage(dir.resolve("none.yaml") + ": no such file");
        Path file = Files.writeString(dir.resolve("critics.yaml"), CRITICS);
        assertThat(SpecLoader.load(file).stages()).hasSize(4);
    }

    private static void assertRefused(String yaml, String message) {
        assertThatThrownBy(() -> SpecLoader.parse("s.yaml", yaml)).isInstanceOf(SpecException.class)
                .hasMessage(message);
    }
}
