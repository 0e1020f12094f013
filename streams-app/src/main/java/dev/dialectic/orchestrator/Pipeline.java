package dev.dialectic.orchestrator;

import dev.dialectic.tasks.Mode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stages of a task and what each waits for: a directed acyclic graph with exactly one final stage,
 * whose output is the task's answer.
 *
 * <p>The orchestrator knows nothing about thesis or antithesis: it starts every stage whose inputs are all
 * present, so the same join serves two inputs or twenty.
 */
public final class Pipeline {

    /** Stage names of the dialectic pipeline. */
    public static final String THESIS = "thesis";
    public static final String ANTITHESIS = "antithesis";
    public static final String SYNTHESIS = "synthesis";

    private final Map<String, Stage> stages;
    private final Stage finalStage;

    /**
     * A pipeline of {@code stages}, given in an order where every stage comes after its inputs.
     *
     * @throws IllegalArgumentException if names repeat, an input is unknown or comes later, or there is not
     *     exactly one stage that no other stage takes as input
     */
    public Pipeline(List<Stage> stages) {
        Map<String, Stage> byName = new LinkedHashMap<>();
        Set<String> consumed = new HashSet<>();
        for (Stage stage : stages) {
            for (String input : stage.inputs()) {
                if (!byName.containsKey(input)) {
                    throw new IllegalArgumentException(
                            "stage '" + stage.name() + "' takes input '" + input + "', which is not an earlier stage");
                }
                consumed.add(input);
            }
            if (byName.putIfAbsent(stage.name(), stage) != null) {
                throw new IllegalArgumentException("stage '" + stage.name() + "' is defined twice");
            }
        }
        List<Stage> sinks = byName.values().stream().filter(s -> !consumed.contains(s.name())).toList();
        if (sinks.size() != 1) {
            throw new IllegalArgumentException("a pipeline needs exactly one final stage, found " + sinks.size());
        }
        this.stages = byName;
        this.finalStage = sinks.getFirst();
    }

    /** The dialectic pipeline in {@code mode}: thesis, antithesis (after the thesis when sequential), synthesis. */
    public static Pipeline dialectic(Mode mode) {
        List<String> antithesisInputs = mode == Mode.SEQUENTIAL ? List.of(THESIS) : List.of();
        return new Pipeline(List.of(
                new Stage(THESIS, THESIS, List.of()),
                new Stage(ANTITHESIS, ANTITHESIS, antithesisInputs),
                new Stage(SYNTHESIS, SYNTHESIS, List.of(THESIS, ANTITHESIS))));
    }

    /** All stages, inputs before the stages that need them. */
    public List<Stage> stages() {
        return new ArrayList<>(stages.values());
    }

    /** The stage named {@code name}, if there is one. */
    public Optional<Stage> stage(String name) {
        return Optional.ofNullable(stages.get(name));
    }

    /** The stage whose output answers the task. */
    public Stage finalStage() {
        return finalStage;
    }

    /** Every persona some stage calls. */
    public Set<String> personas() {
        Set<String> personas = new HashSet<>();
        stages.values().forEach(s -> personas.add(s.persona()));
        return personas;
    }
}
