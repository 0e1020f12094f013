package dev.dialectic.orchestrator;

import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.spec.SpecLoader;
import dev.dialectic.spec.StageSpec;
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

    /** Stage (and persona) names of the built-in dialectic pipeline. */
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

    /**
     * The dialectic pipeline of the built-in spec in {@code mode}: thesis, antithesis (after the thesis when
     * sequential), synthesis.
     *
     * @throws IllegalArgumentException for {@link Mode#ADAPTIVE}, which is a choice between the two, not a pipeline
     */
    public static Pipeline dialectic(Mode mode) {
        return switch (mode) {
            case PARALLEL -> Dialectic.PARALLEL;
            case SEQUENTIAL -> Dialectic.SEQUENTIAL;
            case ADAPTIVE -> throw new IllegalArgumentException("adaptive is a choice of mode, not a pipeline");
        };
    }

    /** The built-in spec's pipelines, read once: reports ask for them per task. */
    private static final class Dialectic {
        static final Pipeline PARALLEL = of(SpecLoader.defaultSpec(), Mode.PARALLEL);
        static final Pipeline SEQUENTIAL = PARALLEL.sequential();
    }

    /**
     * The graph of {@code spec} as it runs in {@code mode}: in parallel, as the spec draws it; sequentially, as the
     * chain of {@link #sequential()}.
     *
     * @throws IllegalArgumentException for {@link Mode#ADAPTIVE}
     */
    public static Pipeline of(PipelineSpec spec, Mode mode) {
        Pipeline parallel = new Pipeline(topologicalOrder(spec));
        return switch (mode) {
            case PARALLEL -> parallel;
            case SEQUENTIAL -> parallel.sequential();
            case ADAPTIVE -> throw new IllegalArgumentException("adaptive is a choice of mode, not a pipeline");
        };
    }

    /**
     * This pipeline as a chain: every stage after the first (in pipeline order) also takes the stage before it
     * as an input, unless it already does, so stages run one at a time and each sees its predecessor's answer.
     * For the dialectic pipeline that is thesis, then antithesis given the thesis, then synthesis.
     */
    public Pipeline sequential() {
        List<Stage> chain = new ArrayList<>();
        Stage previous = null;
        for (Stage stage : stages.values()) {
            if (previous != null && !stage.inputs().contains(previous.name())) {
                List<String> inputs = new ArrayList<>(stage.inputs());
                inputs.add(previous.name());
                stage = new Stage(stage.name(), stage.persona(), inputs);
            }
            chain.add(stage);
            previous = stage;
        }
        return new Pipeline(chain);
    }

    /** The stages of {@code spec}, each after its inputs, otherwise in the spec's order. */
    private static List<Stage> topologicalOrder(PipelineSpec spec) {
        List<Stage> ordered = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        List<StageSpec> waiting = new ArrayList<>(spec.stages());
        while (!waiting.isEmpty()) {
            StageSpec next = waiting.stream().filter(s -> placed.containsAll(s.inputs())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("the stages form a cycle")); // the loader says where
            waiting.remove(next);
            placed.add(next.name());
            ordered.add(new Stage(next.name(), next.persona(), next.inputs()));
        }
        return ordered;
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
