package dev.dialectic.llm.simulated;

import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmException;
import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.Prompt;
import dev.dialectic.llm.TokenSink;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The embedded default model: answers with deterministic, readable text derived from the prompt, with the
 * timings of a {@link SimulatedProfile}, and injects faults when the profile asks for them.
 *
 * <p>The same prompt always yields the same text, so tests can compare answers across runs and crashes. It counts
 * the calls it was given, so tests can tell a model call from an answer served otherwise (the response cache).
 */
public final class SimulatedProvider implements LlmProvider {

    /**
     * Tokens closer together than this are handed over together. A timer per token (every 5 ms at the thesis'
     * reference rate) costs more CPU than the whole pipeline at a few hundred calls in flight; real servers send
     * tokens in network-sized bursts anyway. The last token still arrives at the profile's latency.
     */
    private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final String[] OPENERS = {
            "Consider first that", "It follows that", "On balance,", "Crucially,", "In practice,", "Even so,",
            "Seen from the other side,", "The evidence suggests that", "Taken together,", "Above all,"};
    private static final String[] SUBJECTS = {
            "the goal", "the cost", "the risk", "the timeline", "the team", "the users", "the data", "the trade-off",
            "the constraint", "the evidence"};
    private static final String[] VERBS = {
            "depends on", "outweighs", "shapes", "limits", "strengthens", "undermines", "clarifies", "reframes",
            "supports", "challenges"};
    private static final String[] OBJECTS = {
            "long-term value", "short-term speed", "what can be measured", "the simplest option", "shared ownership",
            "the hidden assumptions", "the failure modes", "a reversible decision", "clear accountability",
            "the second-order effects"};

    private final String persona;
    private final SimulatedProfile profile;
    private final LongAdder calls = new LongAdder();

    /** A simulated model answering as {@code persona} (its answers start with that name) with {@code profile}. */
    public SimulatedProvider(String persona, SimulatedProfile profile) {
        this.persona = persona;
        this.profile = profile;
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public Completion complete(Prompt prompt, TokenSink tokens) throws LlmException, InterruptedException {
        calls.increment();
        long start = System.nanoTime();
        ThreadLocalRandom faults = ThreadLocalRandom.current();
        double stretch = profile.jitter() == 0 ? 1 : 1 + profile.jitter() * (2 * faults.nextDouble() - 1);
        long ttft = Math.round(profile.timeToFirstToken().toNanos() * stretch);
        long latency = Math.round(profile.latency().toNanos() * stretch);
        int count = profile.outputTokens();
        int failAt = faults.nextDouble() < profile.errorRate() ? faults.nextInt(count) : -1;
        boolean hang = failAt < 0 && faults.nextDouble() < profile.timeoutRate();

        String[] words = answer(persona, prompt, count);
        StringBuilder text = new StringBuilder();
        Instant firstTokenAt = null;
        long lastDue = start + latency;
        for (int i = 0; i < count; i++) {
            long due = start + (count == 1 ? ttft : ttft + (latency - ttft) * i / (count - 1));
            if (due > System.nanoTime()) {
                // Sleep at least MIN_SLEEP_NANOS (the tokens due meanwhile follow at once), never past the last token.
                waitUntil(Math.min(Math.max(due, System.nanoTime() + MIN_SLEEP_NANOS), lastDue));
            }
            if (i == failAt) {
                throw LlmException.retryable("simulated 503 Service Unavailable after " + i + " tokens");
            }
            if (hang) {
                waitUntil(Long.MAX_VALUE);
            }
            String token = i == 0 ? words[i] : " " + words[i];
            if (firstTokenAt == null) {
                firstTokenAt = Instant.now();
            }
            text.append(token);
            tokens.onToken(token);
        }
        return new Completion(text.toString(), prompt.model(), estimateTokens(prompt.text()), count,
                Optional.ofNullable(firstTokenAt));
    }

    /** Calls made to this model so far, retries included. */
    public long calls() {
        return calls.sum();
    }

    /** Sleeps until System.nanoTime() reaches {@code due}; throws when interrupted. */
    private static void waitUntil(long due) throws InterruptedException {
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("simulated call cancelled");
            }
            long left = due - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(left);
        }
    }

    /**
     * {@code count} words: the persona's name, then sentences chosen by a generator seeded with the prompt, so
     * the same prompt always gets the same text.
     */
    static String[] answer(String persona, Prompt prompt, int count) {
        SplittableRandom random = new SplittableRandom(seed(prompt.text()));
        String[] words = new String[count];
        words[0] = persona.isEmpty() ? "Answer:" : Character.toUpperCase(persona.charAt(0)) + persona.substring(1) + ":";
        int filled = 1;
        while (filled < count) {
            String sentence = OPENERS[random.nextInt(OPENERS.length)] + " " + SUBJECTS[random.nextInt(SUBJECTS.length)]
                    + " " + VERBS[random.nextInt(VERBS.length)] + " " + OBJECTS[random.nextInt(OBJECTS.length)] + ".";
            for (String word : sentence.split(" ")) {
                if (filled == count) {
                    break;
                }
                words[filled++] = word;
            }
        }
        return words;
    }

    private static long seed(String text) {
        long hash = 1125899906842597L;
        for (int i = 0; i < text.length(); i++) {
            hash = 31 * hash + text.charAt(i);
        }
        return hash;
    }

    /** Roughly four characters per token, as with common BPE tokenizers on English text. */
    private static int estimateTokens(String text) {
        return Math.max(1, text.length() / 4);
    }
}
