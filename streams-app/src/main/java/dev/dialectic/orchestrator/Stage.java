package dev.dialectic.orchestrator;

import java.util.List;
import java.util.Objects;

/**
 * One step of a task's pipeline: a persona call that may start once every stage named in {@code inputs}
 * has succeeded. A stage with several inputs is a join; with none, it starts when the task is accepted.
 *
 * @param name unique name of the stage within its pipeline
 * @param persona persona that answers it (its requests go to {@code persona.<persona>})
 * @param inputs names of the stages whose outputs this stage needs, in the order they are handed to it
 */
public record Stage(String name, String persona, List<String> inputs) {

    public Stage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(persona, "persona");
        inputs = List.copyOf(inputs);
    }
}
