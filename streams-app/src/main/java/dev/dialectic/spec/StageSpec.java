package dev.dialectic.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One stage of a spec: a persona call that starts once every stage named in {@code inputs} has succeeded.
 *
 * @param name unique name of the stage
 * @param persona persona that answers it, and the default when routing picks none of the variants
 * @param inputs stages whose outputs this stage needs, in the order they are handed to it (a join when several)
 * @param variants personas that may answer instead, each with the resonance profile it suits; the best match
 *     with a task's resonance picks one (see the routing policy)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StageSpec(
        @JsonProperty("name") String name,
        @JsonProperty("persona") String persona,
        @JsonProperty("inputs") List<String> inputs,
        @JsonProperty("variants") List<Variant> variants) {

    public StageSpec {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        variants = variants == null ? List.of() : List.copyOf(variants);
    }

    /**
     * A persona that may answer a stage, and the resonance it suits.
     *
     * @param persona the persona
     * @param resonance values by dimension ({@code tone}, {@code pace}, {@code intent}); a dimension left out
     *     matches anything
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Variant(
            @JsonProperty("persona") String persona,
            @JsonProperty("resonance") Map<String, String> resonance) {

        public Variant {
            resonance = resonance == null ? Map.of() : Map.copyOf(resonance);
        }
    }
}
