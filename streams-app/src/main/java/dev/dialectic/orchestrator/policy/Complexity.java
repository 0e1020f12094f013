package dev.dialectic.orchestrator.policy;

import dev.dialectic.schema.Task;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How complex a task is, on a scale of 0 to 10: its {@value #ATTRIBUTE} attribute when it gives a number, else an
 * estimate from its text. Adaptive mode runs a task below the spec's threshold in parallel, others sequentially.
 *
 * <p>The estimate: 1, plus one point per 10 words of the goal (at most 4), plus one per 100 words of the context
 * (at most 3), plus half a point per distinct word that signals weighing several things (compare, versus,
 * trade-off, constraint, ... at most 2). A one-line question scores about 2; a goal of two sentences with a
 * page of context and a trade-off to weigh scores 6 or more. Rounded to one decimal.
 *
 * @param score the complexity, 0 to 10
 * @param source where it came from: {@value #FROM_ATTRIBUTE} or {@value #FROM_ESTIMATE}
 * @param note why the attribute was not used, when it was given but is not a number; else empty
 */
public record Complexity(double score, String source, Optional<String> note) {

    /** The task attribute that states a complexity. */
    public static final String ATTRIBUTE = "complexity";
    public static final String FROM_ATTRIBUTE = "attribute";
    public static final String FROM_ESTIMATE = "estimate";
    public static final double MAX = 10;

    private static final Pattern WORDS = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'-]*");
    private static final Set<String> MARKERS = Set.of("compare", "comparing", "versus", "vs", "trade-off",
            "trade-offs", "tradeoff", "tradeoffs", "constraint", "constraints", "however", "whereas", "alternatives",
            "risks", "migrate", "migration", "dependencies", "long-term", "regulatory", "budget");

    /** The complexity of {@code task}. */
    public static Complexity of(Task task) {
        String stated = task.getAttributes().get(ATTRIBUTE);
        Optional<String> note = Optional.empty();
        if (stated != null) {
            try {
                double value = Double.parseDouble(stated.strip());
                if (Double.isFinite(value)) {
                    return new Complexity(round(Math.clamp(value, 0, MAX)), FROM_ATTRIBUTE, Optional.empty());
                }
            } catch (NumberFormatException e) {
                // Not a number: estimated instead, and said so in the ledger.
            }
            note = Optional.of("complexity attribute '" + stated + "' is not a number; estimated from the text");
        }
        return new Complexity(estimate(task.getGoal(), task.getContext()), FROM_ESTIMATE, note);
    }

    /** The documented estimate from a goal and an optional context. */
    public static double estimate(String goal, String context) {
        long goalWords = WORDS.matcher(goal).results().count();
        long contextWords = context == null ? 0 : WORDS.matcher(context).results().count();
        String text = (goal + " " + (context == null ? "" : context)).toLowerCase(Locale.ROOT);
        long markers = WORDS.matcher(text).results().map(m -> m.group()).filter(MARKERS::contains).distinct().count();
        double score = 1 + Math.min(4, goalWords / 10.0) + Math.min(3, contextWords / 100.0) + Math.min(2, markers * 0.5);
        return round(Math.min(MAX, score));
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
