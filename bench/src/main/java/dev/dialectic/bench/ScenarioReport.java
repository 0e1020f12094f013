package dev.dialectic.bench;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one scenario found.
 *
 * @param name the scenario (overhead, modes, throughput, scale, baseline)
 * @param summary one sentence: what was run
 * @param settings the service settings it ran with (cluster addresses left out)
 * @param figures its headline figures, each named {@code <scenario>.<figure>}
 * @param tables details: breakdowns, per-mode and per-stage tables
 * @param notes caveats worth reading next to the figures (failed tasks, a lagging load generator, ...)
 * @param error why the scenario could not finish, or null
 */
record ScenarioReport(String name, String summary, Map<String, String> settings, List<Figure> figures,
        List<Table> tables, List<String> notes, String error) {

    ScenarioReport {
        Objects.requireNonNull(name, "name");
        settings = Map.copyOf(settings);
        figures = List.copyOf(figures);
        tables = List.copyOf(tables);
        notes = List.copyOf(notes);
    }

    /** A scenario that failed before it could report anything. */
    static ScenarioReport failed(String name, String error) {
        return new ScenarioReport(name, "failed", Map.of(), List.of(), List.of(), List.of(), error);
    }

    /** The figure named {@code name}, if reported. */
    Optional<Figure> figure(String figureName) {
        return figures.stream().filter(f -> f.name().equals(figureName)).findFirst();
    }
}
