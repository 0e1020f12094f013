package dev.dialectic.spec;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A persona's user-message template. Placeholders are {@code {goal}}, {@code {context}}, {@code {inputs}} (every
 * input under its stage's name), {@code {input.<stage>}} (one input's text) and {@code {feedback}} (the quality
 * gate's feedback on a later pass; empty otherwise). Braces around anything else — JSON, prose — are text.
 *
 * <p>Written by hand because the placeholders must be checked against the stages at load time, which general
 * template engines do not offer.
 */
public final class PromptTemplate {

    public static final String GOAL = "goal";
    public static final String CONTEXT = "context";
    public static final String INPUTS = "inputs";
    public static final String FEEDBACK = "feedback";
    /** Prefix of a placeholder naming one input: {@code {input.thesis}}. */
    public static final String INPUT_PREFIX = "input.";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_.-]*)}");

    private PromptTemplate() {}

    /** The placeholders {@code template} uses, in order of first use. */
    public static Set<String> placeholders(String template) {
        Set<String> found = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    /**
     * Whether {@code placeholder} can be filled for a stage whose inputs are {@code inputs}; {@code {feedback}}
     * always can (it is empty on a first pass).
     */
    public static boolean fillable(String placeholder, Set<String> inputs) {
        return switch (placeholder) {
            case GOAL, CONTEXT, INPUTS, FEEDBACK -> true;
            default -> placeholder.startsWith(INPUT_PREFIX) && inputs.contains(placeholder.substring(INPUT_PREFIX.length()));
        };
    }

    /**
     * {@code template} filled in. A placeholder with no value (an input that is not there) becomes empty.
     *
     * @param values the text of {@link #GOAL}, {@link #CONTEXT}, {@link #INPUTS}, {@link #FEEDBACK} and each
     *     {@code input.<stage>}
     */
    public static String render(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 256);
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = name.equals(GOAL) || name.equals(CONTEXT) || name.equals(INPUTS) || name.equals(FEEDBACK)
                    || name.startsWith(INPUT_PREFIX) ? values.getOrDefault(name, "") : matcher.group();
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
