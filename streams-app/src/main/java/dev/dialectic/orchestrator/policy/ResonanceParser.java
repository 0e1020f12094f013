package dev.dialectic.orchestrator.policy;

import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.spec.Policies;
import dev.dialectic.spec.StageSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a task's resonance from its {@value #KEY} attribute and its {@code tone} / {@code pace} / {@code intent}
 * attributes (which win over the key). Tolerant by design, because the parser this replaces broke on each of
 * these: case, {@code _} against {@code -} and spaces ({@code Deep_Dive} = {@code deep-dive} = {@code deep dive}),
 * partial keys ({@code calm}, {@code calm-slow}), and synonyms listed in the spec. Values are compared as
 * canonical strings against the spec's vocabulary (the values its variants name and its synonyms' targets), never
 * against an enum.
 *
 * <p>Two key forms: named, {@code tone=calm;pace=slow;intent=decide} ({@code =} or {@code :}, parts separated by
 * {@code ;}, {@code ,} or {@code &}); and positional, {@code calm-slow-explore}, whose words are matched against
 * the vocabulary (longest known value first, so a multi-word value like {@code deep-dive} survives the
 * separators) and assigned to the next dimension that knows them, in the order tone, pace, intent.
 */
public final class ResonanceParser {

    /** The attribute carrying a whole resonance key. */
    public static final String KEY = "resonance_key";

    private static final Pattern NAMED = Pattern.compile("[=:]");
    private static final Pattern PARTS = Pattern.compile("[;,&]+");
    private static final Pattern WORD_SEPARATORS = Pattern.compile("[\\s_/|,;+-]+");
    /** The longest value, in words, that a positional key is searched for. */
    private static final int MAX_VALUE_WORDS = 4;

    /** Canonical value by (dimension, normalized word or synonym). */
    private final Map<String, Map<String, String>> vocabulary = new LinkedHashMap<>();

    /** A parser knowing the values {@code spec}'s variants name and the synonyms of its routing policy. */
    public ResonanceParser(PipelineSpec spec) {
        Policies.Routing.DIMENSIONS.forEach(d -> vocabulary.put(d, new HashMap<>()));
        spec.policies().routing().synonyms().forEach((dimension, values) -> values.forEach((canonical, synonyms) -> {
            String value = normalize(canonical);
            vocabulary.get(dimension).put(value, value);
            synonyms.forEach(synonym -> vocabulary.get(dimension).put(normalize(synonym), value));
        }));
        for (StageSpec stage : spec.stages()) {
            for (StageSpec.Variant variant : stage.variants()) {
                variant.resonance().forEach((dimension, value) ->
                        vocabulary.get(dimension).putIfAbsent(normalize(value), normalize(value)));
            }
        }
    }

    /** {@code text} lower-cased, with runs of spaces, {@code _} and {@code -} as one {@code -}. */
    public static String normalize(String text) {
        return String.join("-", WORD_SEPARATORS.split(text.strip().toLowerCase(Locale.ROOT))).replaceAll("^-|-$", "");
    }

    /** The canonical value {@code value} stands for in {@code dimension}, if the spec knows it. */
    public Optional<String> canonical(String dimension, String value) {
        return Optional.ofNullable(vocabulary.get(dimension).get(normalize(value)));
    }

    /** The resonance of a task with {@code attributes}. */
    public Resonance parse(Map<String, String> attributes) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        String key = attribute(attributes, KEY);
        if (key != null && !key.isBlank()) {
            if (NAMED.matcher(key).find()) {
                parseNamed(key, values, notes);
            } else {
                parsePositional(key, values, notes);
            }
        }
        for (String dimension : Policies.Routing.DIMENSIONS) {
            String value = attribute(attributes, dimension);
            if (value != null && !value.isBlank()) {
                assign(dimension, value, values, notes);
            }
        }
        return new Resonance(values, notes);
    }

    private void parseNamed(String key, Map<String, String> values, List<String> notes) {
        for (String part : PARTS.split(key)) {
            if (part.isBlank()) {
                continue;
            }
            String[] pair = NAMED.split(part, 2);
            String dimension = normalize(pair[0]);
            if (pair.length < 2 || pair[1].isBlank()) {
                notes.add("resonance part '" + part.strip() + "' has no value; ignored");
            } else if (!vocabulary.containsKey(dimension)) {
                notes.add("resonance dimension '" + pair[0].strip() + "' is unknown (known: "
                        + String.join(", ", Policies.Routing.DIMENSIONS) + "); ignored");
            } else {
                assign(dimension, pair[1], values, notes);
            }
        }
    }

    private void parsePositional(String key, Map<String, String> values, List<String> notes) {
        String[] words = normalize(key).split("-");
        int next = 0; // the dimension a value at this position most likely names
        for (int i = 0; i < words.length; ) {
            int matched = 0;
            for (int n = Math.min(MAX_VALUE_WORDS, words.length - i); n >= 1 && matched == 0; n--) {
                String candidate = String.join("-", Arrays.copyOfRange(words, i, i + n));
                String dimension = dimensionOf(candidate, next, values);
                if (dimension != null) {
                    values.put(dimension, vocabulary.get(dimension).get(candidate));
                    next = Policies.Routing.DIMENSIONS.indexOf(dimension) + 1;
                    matched = n;
                }
            }
            if (matched == 0) {
                notes.add("resonance value '" + words[i] + "' is unknown; ignored");
                matched = 1;
            }
            i += matched;
        }
    }

    /** The first dimension from position {@code from} (then from the start) that knows {@code value} and is unset. */
    private String dimensionOf(String value, int from, Map<String, String> values) {
        List<String> dimensions = Policies.Routing.DIMENSIONS;
        for (int k = 0; k < dimensions.size(); k++) {
            String dimension = dimensions.get((from + k) % dimensions.size());
            if (!values.containsKey(dimension) && vocabulary.get(dimension).containsKey(value)) {
                return dimension;
            }
        }
        return null;
    }

    private void assign(String dimension, String value, Map<String, String> values, List<String> notes) {
        String canonical = vocabulary.get(dimension).get(normalize(value));
        if (canonical == null) {
            notes.add(dimension + " '" + value.strip() + "' is unknown; ignored");
        } else {
            values.put(dimension, canonical);
        }
    }

    /** An attribute looked up regardless of case, {@code _} and {@code -} in its name. */
    private static String attribute(Map<String, String> attributes, String name) {
        String value = attributes.get(name);
        if (value != null) {
            return value;
        }
        for (Map.Entry<String, String> entry : attributes.entrySet()) {
            if (normalize(entry.getKey()).equals(normalize(name))) {
                return entry.getValue();
            }
        }
        return null;
    }
}
