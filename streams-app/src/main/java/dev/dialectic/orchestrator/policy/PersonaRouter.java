package dev.dialectic.orchestrator.policy;

import dev.dialectic.spec.StageSpec;
import java.util.Map;

/**
 * Picks the persona answering a stage for a task's {@link Resonance}: the variant whose profile matches the most
 * of the task's values; among equals, the one contradicting the fewest, then the one listed first. A stage
 * without variants, or a resonance matching none of them, gets the stage's own persona. Deterministic: the same
 * task always reaches the same persona.
 */
public final class PersonaRouter {

    private final ResonanceParser parser;

    public PersonaRouter(ResonanceParser parser) {
        this.parser = parser;
    }

    /** The persona that answers {@code stage} for a task of {@code resonance}. */
    public String route(StageSpec stage, Resonance resonance) {
        String best = stage.persona();
        int bestMatches = 0;
        int bestConflicts = Integer.MAX_VALUE;
        for (StageSpec.Variant variant : stage.variants()) {
            int matches = 0;
            int conflicts = 0;
            for (Map.Entry<String, String> wanted : variant.resonance().entrySet()) {
                String asked = resonance.values().get(wanted.getKey());
                if (asked == null) {
                    continue;
                }
                String offered = parser.canonical(wanted.getKey(), wanted.getValue()).orElse(wanted.getValue());
                if (asked.equals(offered)) {
                    matches++;
                } else {
                    conflicts++;
                }
            }
            if (matches > bestMatches || matches > 0 && matches == bestMatches && conflicts < bestConflicts) {
                best = variant.persona();
                bestMatches = matches;
                bestConflicts = conflicts;
            }
        }
        return best;
    }
}
