package dev.dialectic.bench;

import dev.dialectic.tasks.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sequential against parallel on the same tasks: every goal is submitted once in each mode, alternating, at a
 * modest open-loop rate. The speed-up achieved (mean sequential latency over mean parallel latency) is set
 * against the ideal speed-up (mean sum of the three stage durations over mean critical path of a parallel run).
 */
final class ModesScenario implements Scenario {

    static final String NAME = "modes";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ScenarioReport run(RunContext context) throws Exception {
        BenchOptions options = context.options();
        Map<String, String> settings = context.referenceModelSettings(NAME);
        int tasks = 2 * options.modesTasks();
        String summary = String.format(Locale.ROOT, "%d goals, each run in parallel and in sequential mode"
                        + " (alternating, %s tasks/s open loop), simulated speed factor %s", options.modesTasks(),
                Figure.format(options.modesRate(), "tasks/s"), options.speedFactor());
        context.progress(NAME + ": " + summary);
        try (Deployment deployment = Deployment.start(settings)) {
            deployment.warmUp(OverheadScenario.WARM_UP_TASKS, Mode.SEQUENTIAL);
            // Goal i/2 twice: tasks 2k and 2k+1 share a goal, one per mode.
            Workload.Paced<Submission> paced = Workload.openLoop(options.modesRate(),
                    java.time.Duration.ofNanos(Math.round(tasks / options.modesRate() * 1e9)),
                    i -> deployment.submit(NAME + "-" + i, Workload.goal(i / 2), Workload.alternate(i)));
            Timelines all = Timelines.collect(deployment, paced.sent(), OverheadScenario.DRAIN_TIMEOUT);
            Timelines parallel = all.only(t -> t.mode() == Mode.PARALLEL);
            Timelines sequential = all.only(t -> t.mode() == Mode.SEQUENTIAL);

            double parallelMean = parallel.summary(Timeline::endToEndMs).mean();
            double sequentialMean = sequential.summary(Timeline::endToEndMs).mean();
            // Stage durations are properties of the model, so both modes' tasks inform the ideal.
            double idealSpeedup = all.summary(Timeline::sumOfStagesMs).mean()
                    / all.summary(t -> criticalPathIfParallel(t)).mean();
            double speedup = sequentialMean / parallelMean;
            Figures figures = new Figures(NAME)
                    .add("parallel.mean", parallelMean, "ms")
                    .add("sequential.mean", sequentialMean, "ms")
                    .add("speedup", speedup, "x")
                    .add("speedup.ideal", idealSpeedup, "x")
                    .add("speedup.efficiency", speedup / idealSpeedup, "x")
                    .add("failed", all.unsuccessful(), "tasks");
            List<List<Object>> rows = new ArrayList<>();
            for (Timelines mode : List.of(parallel, sequential)) {
                Summary latency = mode.summary(Timeline::endToEndMs);
                Summary overhead = mode.summary(Timeline::overheadMs);
                rows.add(List.of(mode == parallel ? "parallel" : "sequential", latency.count(), latency.mean(),
                        latency.p50(), latency.p99(), mode.summary(Timeline::idealMs).mean(), overhead.mean(),
                        overhead.p99()));
            }
            Table table = new Table("Latency by mode (ms)", List.of("mode", "n", "e2e mean", "e2e p50", "e2e p99",
                    "ideal mean", "overhead mean", "overhead p99"), rows);
            return new ScenarioReport(NAME, summary, RunContext.reportable(settings), figures.list(),
                    List.of(table, parallel.breakdown("Parallel mode: where the overhead goes (ms)"),
                            sequential.breakdown("Sequential mode: where the overhead goes (ms)")),
                    OverheadScenario.notes(all, paced), null);
        }
    }

    /** max(thesis, antithesis) + synthesis of the task's own durations, whatever mode it ran in. */
    private static double criticalPathIfParallel(Timeline timeline) {
        return Timeline.criticalPath(dev.dialectic.orchestrator.Pipeline.dialectic(Mode.PARALLEL),
                timeline.durationMs());
    }
}
