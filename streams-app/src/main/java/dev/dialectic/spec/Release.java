package dev.dialectic.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A release variant of the pipeline, declared under the spec's top-level {@code releases} key: an overlay of the
 * spec that a canary runs on some partitions of {@code tasks} (not to be confused with a stage's {@code variants},
 * which are persona alternatives chosen by resonance). What it leaves out is the spec's.
 *
 * @param mode the mode of the variant's tasks that name none (parallel, sequential or adaptive); default the
 *     service's {@code task.default.mode}
 * @param personas persona settings laid over the spec's, by persona name (provider, model, prompt, ...)
 * @param policies policies laid over the spec's, key by key (e.g. {@code {gate: {min.chars: 200}}})
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Release(
        @JsonProperty("mode") String mode,
        @JsonProperty("personas") Map<String, Map<String, String>> personas,
        @JsonProperty("policies") JsonNode policies) {

    public Release {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        if (personas != null) {
            personas.forEach((name, settings) -> copy.put(name,
                    settings == null ? new LinkedHashMap<>() : new LinkedHashMap<>(settings)));
        }
        personas = copy;
        policies = policies == null || policies.isNull() ? null : policies.deepCopy();
    }
}
