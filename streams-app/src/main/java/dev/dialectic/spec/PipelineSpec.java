package dev.dialectic.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A declarative pipeline: the personas (provider, model, prompts, limits), the stages (an acyclic graph with
 * one final stage) and the policies. Read from YAML by {@link SpecLoader}, which also checks it; an instance
 * that came from the loader always describes a pipeline that can run.
 *
 * @param personas each persona's settings (the keys of {@link PersonaSettings}), by persona name
 * @param stages the stages, in any order that a reader finds clear
 * @param policies adaptive mode, fallback, quality gate and routing
 */
@JsonPropertyOrder({"personas", "stages", "policies"})
public record PipelineSpec(
        @JsonProperty("personas") Map<String, Map<String, String>> personas,
        @JsonProperty("stages") List<StageSpec> stages,
        @JsonProperty("policies") Policies policies) {

    public PipelineSpec {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        if (personas != null) {
            personas.forEach((name, settings) -> copy.put(name,
                    settings == null ? new LinkedHashMap<>() : new LinkedHashMap<>(settings)));
        }
        personas = copy;
        stages = stages == null ? List.of() : List.copyOf(stages);
        policies = policies == null ? Policies.DEFAULT : policies;
    }

    /** The settings of {@code persona} (empty when the spec does not name it). */
    public Map<String, String> persona(String persona) {
        return personas.getOrDefault(persona, Map.of());
    }

    /** Every persona a request may go to: the stages' personas, their variants', and the gate's judge. */
    public Set<String> requestedPersonas() {
        Set<String> used = new LinkedHashSet<>();
        for (StageSpec stage : stages) {
            used.add(stage.persona());
            stage.variants().forEach(v -> used.add(v.persona()));
        }
        if (policies.gate().enabled() && policies.gate().judge() != null) {
            used.add(policies.gate().judge());
        }
        return used;
    }

    /**
     * This spec with {@code overrides} ({@code persona.<name>.<key>} settings from {@code --set} or a properties
     * file) applied over the personas' own settings.
     */
    public PipelineSpec withOverrides(Map<String, ?> overrides) {
        Map<String, Map<String, String>> merged = new LinkedHashMap<>();
        personas.forEach((name, settings) -> {
            Map<String, String> own = new LinkedHashMap<>(settings);
            String prefix = PersonaSettings.PREFIX + name + ".";
            overrides.forEach((key, value) -> {
                if (key.startsWith(prefix) && value != null) {
                    own.put(key.substring(prefix.length()), value.toString());
                }
            });
            merged.put(name, own);
        });
        return new PipelineSpec(merged, stages, policies);
    }

    /** This spec as printed: secrets redacted. */
    public PipelineSpec redacted() {
        Map<String, Map<String, String>> shown = new LinkedHashMap<>();
        personas.forEach((name, settings) -> shown.put(name, PersonaSettings.redacted(settings)));
        return new PipelineSpec(shown, stages, policies);
    }
}
