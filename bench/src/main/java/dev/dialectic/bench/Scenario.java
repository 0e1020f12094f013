package dev.dialectic.bench;

/** One measurement of a run; each runs its own service under its own topic prefix. */
interface Scenario {

    /** The name used in {@code --scenarios}, figure names and topic prefixes. */
    String name();

    /** Runs the scenario and reports what it measured. */
    ScenarioReport run(RunContext context) throws Exception;
}
