package dev.dialectic.bench;

import dev.dialectic.tasks.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * The tasks every scenario sends, and open-loop pacing. Goals are deterministic by index, so the Kafka run and
 * the in-process baseline answer the very same prompts (the simulated model's text depends on the prompt).
 */
final class Workload {

    private static final String[] GOALS = {
            "Should we adopt event sourcing for the billing service?",
            "Should the team move to a four-day work week?",
            "Is it time to split the monolith into services?",
            "Should we build or buy our feature-flag system?",
            "Should on-call rotate weekly or daily?",
            "Should we rewrite the mobile app in a cross-platform framework?",
            "Is a data lake worth it for a company of fifty people?",
            "Should code review be required for every change?",
            "Should we raise prices for existing customers?",
            "Should we open-source our internal deployment tool?"};

    private static final List<Mode> IN_TURN = List.of(Mode.PARALLEL, Mode.SEQUENTIAL, Mode.ADAPTIVE);

    private Workload() {}

    /** The goal of task number {@code index}: one of ten questions, made unique by the index. */
    static String goal(int index) {
        return GOALS[Math.floorMod(index, GOALS.length)] + " (#" + index + ")";
    }

    /**
     * Calls {@code send} for task 0, 1, 2, ... at {@code rate} per second for {@code length}, on this thread:
     * task i is due at start + i/rate and is sent when due, late ones at once (open loop: a slow system does not
     * slow the arrivals down).
     *
     * @return what {@code send} returned, in order
     */
    static <T> Paced<T> openLoop(double rate, Duration length, IntFunction<T> send) {
        int count = (int) Math.round(rate * length.toNanos() / 1e9);
        List<T> sent = new ArrayList<>(count);
        long start = System.nanoTime();
        long worstLag = 0;
        for (int i = 0; i < count; i++) {
            long due = start + Math.round(i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            worstLag = Math.max(worstLag, System.nanoTime() - due);
            sent.add(send.apply(i));
        }
        return new Paced<>(sent, (System.nanoTime() - start) / 1e9, worstLag / 1e6);
    }

    /** The mode of task {@code index} when parallel, sequential and adaptive take turns. */
    static Mode inTurn(int index) {
        return IN_TURN.get(Math.floorMod(index, IN_TURN.size()));
    }

    /**
     * What an open-loop run sent.
     *
     * @param sent what each send returned, in order
     * @param seconds how long sending took
     * @param worstLagMs the latest any task was sent after it was due (the generator's own lag)
     */
    record Paced<T>(List<T> sent, double seconds, double worstLagMs) {
        Paced {
            sent = List.copyOf(sent);
        }

        /** Tasks per second actually sent. */
        double rate() {
            return sent.size() / Math.max(seconds, 1e-9);
        }
    }
}
