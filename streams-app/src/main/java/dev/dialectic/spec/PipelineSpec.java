package dev.dialectic.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialectic.canary.ControlSettings;
import java.util.Collections;
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
 * @param releases release variants by name, each an overlay of this spec that a canary can run (see
 *     {@link #forRelease}); {@value ControlSettings#BASELINE} is the spec itself
 */
@JsonPropertyOrder({"personas", "stages", "policies", "releases"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PipelineSpec(
        @JsonProperty("personas") Map<String, Map<String, String>> personas,
        @JsonProperty("stages") List<StageSpec> stages,
        @JsonProperty("policies") Policies policies,
        @JsonProperty("releases") Map<String, Release> releases) {

    /** Reads and writes policies as trees, to lay a release's over the spec's. */
    private static final ObjectMapper TREES = new ObjectMapper();

    /** A spec without releases. */
    public PipelineSpec(Map<String, Map<String, String>> personas, List<StageSpec> stages, Policies policies) {
        this(personas, stages, policies, null);
    }

    public PipelineSpec {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        if (personas != null) {
            personas.forEach((name, settings) -> copy.put(name,
                    settings == null ? new LinkedHashMap<>() : new LinkedHashMap<>(settings)));
        }
        personas = copy;
        stages = stages == null ? List.of() : List.copyOf(stages);
        policies = policies == null ? Policies.DEFAULT : policies;
        Map<String, Release> declared = new LinkedHashMap<>();
        if (releases != null) {
            releases.forEach((name, release) ->
                    declared.put(name, release == null ? new Release(null, null, null) : release));
        }
        releases = Collections.unmodifiableMap(declared);
    }

    /**
     * The spec that tasks of release variant {@code name} run: this spec for {@value ControlSettings#BASELINE},
     * else this spec with the release's personas and policies laid over its own (its mode is
     * {@link Release#mode()}). The result has no releases of its own.
     *
     * @throws IllegalArgumentException when the spec declares no such release, or its policies do not fit
     */
    public PipelineSpec forRelease(String name) {
        if (ControlSettings.BASELINE.equals(name)) {
            return this;
        }
        Release release = releases.get(name);
        if (release == null) {
            throw new IllegalArgumentException("unknown release variant '" + name + "' ("
                    + (releases.isEmpty() ? "the spec declares no releases" : "releases: "
                    + String.join(", ", releases.keySet())) + ")");
        }
        Map<String, Map<String, String>> merged = new LinkedHashMap<>();
        personas.forEach((persona, settings) -> {
            Map<String, String> own = new LinkedHashMap<>(settings);
            own.putAll(release.personas().getOrDefault(persona, Map.of()));
            merged.put(persona, own);
        });
        Policies overlaid = policies;
        if (release.policies() != null) {
            ObjectNode tree = TREES.valueToTree(policies);
            merge(tree, release.policies());
            try {
                overlaid = TREES.treeToValue(tree, Policies.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("policies: " + e.getOriginalMessage(), e);
            }
        }
        return new PipelineSpec(merged, stages, overlaid);
    }

    /** Lays {@code overlay} over {@code base}, key by key, recursively. */
    private static void merge(ObjectNode base, JsonNode overlay) {
        overlay.fields().forEachRemaining(field -> {
            JsonNode current = base.get(field.getKey());
            if (current instanceof ObjectNode object && field.getValue().isObject()) {
                merge(object, field.getValue());
            } else {
                base.set(field.getKey(), field.getValue().deepCopy());
            }
        });
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
        return new PipelineSpec(merged, stages, policies, releases);
    }

    /** This spec as printed: secrets redacted. */
    public PipelineSpec redacted() {
        Map<String, Map<String, String>> shown = new LinkedHashMap<>();
        personas.forEach((name, settings) -> shown.put(name, PersonaSettings.redacted(settings)));
        Map<String, Release> shownReleases = new LinkedHashMap<>();
        releases.forEach((name, release) -> {
            Map<String, Map<String, String>> overlays = new LinkedHashMap<>();
            release.personas().forEach((persona, settings) ->
                    overlays.put(persona, PersonaSettings.redacted(settings)));
            shownReleases.put(name, new Release(release.mode(), overlays, release.policies()));
        });
        return new PipelineSpec(shown, stages, policies, shownReleases);
    }
}
