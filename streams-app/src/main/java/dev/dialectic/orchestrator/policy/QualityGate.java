package dev.dialectic.orchestrator.policy;

import dev.dialectic.spec.Policies;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quality gate's built-in rules, and the reading of a judge persona's reply.
 *
 * <p>Rules: the answer is not empty; its length (trimmed) is within the spec's bounds; and, when
 * {@code engage.inputs} is on, it engages with every input: it shares at least {@value #MIN_SHARED_WORDS}
 * distinct content words (five letters or more, common function words aside) with each input that has that many.
 */
public final class QualityGate {

    /** Distinct content words an answer must share with each of its inputs. */
    public static final int MIN_SHARED_WORDS = 3;

    private static final Pattern CONTENT_WORD = Pattern.compile("\\p{L}{5,}");
    private static final Set<String> FUNCTION_WORDS = Set.of("about", "above", "after", "again", "against", "being",
            "below", "between", "could", "every", "first", "other", "their", "there", "these", "those", "which",
            "while", "would", "should", "might", "where", "itself", "under", "until", "whose", "because", "through");
    private static final Pattern VERDICT = Pattern.compile(
            "^\\W*(?:verdict\\W*)?(pass(?:ed)?|approved?|accept(?:ed)?|ok|yes|fail(?:ed)?|reject(?:ed)?|no)\\b(.*)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final Policies.Gate policy;

    public QualityGate(Policies.Gate policy) {
        this.policy = policy;
    }

    /** Whether answers are judged at all. */
    public boolean enabled() {
        return policy.enabled();
    }

    /** The built-in rules' verdict on {@code answer}, given the texts of its inputs by stage name. */
    public Verdict rules(String answer, Map<String, String> inputs) {
        String text = answer == null ? "" : answer.strip();
        if (text.isEmpty()) {
            return new Verdict(false, Verdict.RULES, "The answer is empty.");
        }
        List<String> problems = new ArrayList<>();
        if (text.length() < policy.minChars()) {
            problems.add("The answer has " + text.length() + " characters; at least " + policy.minChars()
                    + " are needed.");
        }
        if (text.length() > policy.maxChars()) {
            problems.add("The answer has " + text.length() + " characters; at most " + policy.maxChars()
                    + " are allowed.");
        }
        if (policy.engageInputs()) {
            Set<String> answerWords = contentWords(text);
            inputs.forEach((stage, input) -> {
                Set<String> inputWords = contentWords(input);
                int needed = Math.min(MIN_SHARED_WORDS, inputWords.size());
                inputWords.retainAll(answerWords);
                if (inputWords.size() < needed) {
                    problems.add("The answer does not engage with the " + stage + " (it shares " + inputWords.size()
                            + " of the " + needed + " content words needed).");
                }
            });
        }
        return new Verdict(problems.isEmpty(), Verdict.RULES, String.join(" ", problems));
    }

    /**
     * The verdict in a judge's {@code reply}: its first words say pass (pass, approved, accept, ok, yes) or fail
     * (fail, reject, no), optionally after {@code verdict:}; the rest is the feedback. A reply with no readable
     * verdict passes, with a note as feedback: a judge that cannot be read must not hold answers back.
     */
    public static Verdict judged(String judge, String reply) {
        Matcher matcher = VERDICT.matcher(reply == null ? "" : reply.strip());
        if (!matcher.find()) {
            return new Verdict(true, judge, "no readable verdict in the judge's reply; counted as a pass");
        }
        String word = matcher.group(1).toLowerCase(Locale.ROOT);
        boolean passed = !(word.startsWith("fail") || word.startsWith("reject") || word.equals("no"));
        return new Verdict(passed, judge, matcher.group(2).replaceFirst("^[\\s:.,;-]+", ""));
    }

    /** Further passes of the final stage allowed after a failed verdict. */
    public int maxPasses() {
        return policy.maxPasses();
    }

    /** The judge persona, or null when only the rules judge. */
    public String judge() {
        return policy.judge();
    }

    private static Set<String> contentWords(String text) {
        Set<String> words = new HashSet<>();
        Matcher matcher = CONTENT_WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            if (!FUNCTION_WORDS.contains(matcher.group())) {
                words.add(matcher.group());
            }
        }
        return words;
    }
}
