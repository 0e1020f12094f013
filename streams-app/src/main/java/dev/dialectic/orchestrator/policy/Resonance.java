package dev.dialectic.orchestrator.policy;

import java.util.List;
import java.util.Map;

/**
 * What a task's resonance asks for: a canonical value per dimension it names ({@code tone}, {@code pace},
 * {@code intent}), and notes on everything that was ignored (unknown values and dimensions are never a rejection).
 *
 * @param values canonical value by dimension, only for the dimensions the task named understandably
 * @param notes one line per ignored part, for the ledger
 */
public record Resonance(Map<String, String> values, List<String> notes) {

    /** A task that asks for nothing. */
    public static final Resonance NONE = new Resonance(Map.of(), List.of());

    public Resonance {
        values = Map.copyOf(values);
        notes = List.copyOf(notes);
    }
}
