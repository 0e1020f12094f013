package dev.dialectic.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a spec decides beyond its graph: when to run in parallel, when to fall back, how answers are judged,
 * and how resonance values are read. Each part left out of a spec takes its defaults.
 *
 * @param adaptive how {@code mode: adaptive} chooses between parallel and sequential
 * @param fallback what happens when a stage running in parallel fails
 * @param gate how the final answer is judged
 * @param routing how resonance keys are read
 */
public record Policies(
        @JsonProperty("adaptive") Adaptive adaptive,
        @JsonProperty("fallback") Fallback fallback,
        @JsonProperty("gate") Gate gate,
        @JsonProperty("routing") Routing routing) {

    public Policies {
        adaptive = adaptive == null ? Adaptive.DEFAULT : adaptive;
        fallback = fallback == null ? Fallback.DEFAULT : fallback;
        gate = gate == null ? Gate.DEFAULT : gate;
        routing = routing == null ? Routing.DEFAULT : routing;
    }

    /** Every policy at its defaults. */
    public static final Policies DEFAULT = new Policies(null, null, null, null);

    /**
     * Adaptive mode: a task whose complexity is below {@code threshold} runs in parallel, others sequentially
     * (quality first).
     *
     * @param threshold complexity score from which a task runs sequentially; default {@value #DEFAULT_THRESHOLD}
     */
    public record Adaptive(@JsonProperty("threshold") Double threshold) {

        public static final double DEFAULT_THRESHOLD = 5;
        static final Adaptive DEFAULT = new Adaptive(null);

        public Adaptive {
            threshold = threshold == null ? DEFAULT_THRESHOLD : threshold;
        }
    }

    /**
     * Fallback: when a stage running in parallel fails after its worker's retries, the task continues as the
     * sequential chain (the failed stage runs again with its predecessor's output) instead of ending partial.
     *
     * @param enabled whether tasks fall back; default true
     */
    public record Fallback(@JsonProperty("enabled") Boolean enabled) {

        static final Fallback DEFAULT = new Fallback(null);

        public Fallback {
            enabled = enabled == null || enabled;
        }
    }

    /**
     * The quality gate judging the final stage's answer. A failed verdict runs the final stage again with the
     * feedback among its inputs, up to {@code maxPasses} more times.
     *
     * @param enabled whether answers are judged; default true
     * @param minChars shortest acceptable answer (after trimming); default {@value #DEFAULT_MIN_CHARS}
     * @param maxChars longest acceptable answer; default {@value #DEFAULT_MAX_CHARS}
     * @param engageInputs whether the answer must share words with every input; default false
     * @param judge persona asked for a verdict after the rules pass; none by default
     * @param maxPasses further passes of the final stage after a failed verdict; default {@value #DEFAULT_MAX_PASSES}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Gate(
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("min.chars") Integer minChars,
            @JsonProperty("max.chars") Integer maxChars,
            @JsonProperty("engage.inputs") Boolean engageInputs,
            @JsonProperty("judge") String judge,
            @JsonProperty("max.passes") Integer maxPasses) {

        public static final int DEFAULT_MIN_CHARS = 1;
        public static final int DEFAULT_MAX_CHARS = 20_000;
        public static final int DEFAULT_MAX_PASSES = 1;
        static final Gate DEFAULT = new Gate(null, null, null, null, null, null);

        public Gate {
            enabled = enabled == null || enabled;
            minChars = minChars == null ? DEFAULT_MIN_CHARS : minChars;
            maxChars = maxChars == null ? DEFAULT_MAX_CHARS : maxChars;
            engageInputs = engageInputs != null && engageInputs;
            maxPasses = maxPasses == null ? DEFAULT_MAX_PASSES : maxPasses;
        }
    }

    /**
     * How resonance values are read: synonyms by dimension, each canonical value with the words that mean it.
     *
     * @param synonyms e.g. {@code tone: {calm: [relaxed, gentle]}}
     */
    public record Routing(@JsonProperty("synonyms") Map<String, Map<String, List<String>>> synonyms) {

        /** The dimensions of a resonance. */
        public static final List<String> DIMENSIONS = List.of("tone", "pace", "intent");
        static final Routing DEFAULT = new Routing(null);

        public Routing {
            Map<String, Map<String, List<String>>> copy = new LinkedHashMap<>();
            if (synonyms != null) {
                synonyms.forEach((dimension, values) -> copy.put(dimension,
                        values == null ? Map.of() : new LinkedHashMap<>(values)));
            }
            synonyms = copy;
        }
    }
}
