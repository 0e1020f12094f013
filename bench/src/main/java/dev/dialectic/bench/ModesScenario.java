package dev.dialectic.bench;

import dev.dialectic.app.DialecticConfig;
import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.orchestrator.policy.Complexity;
import dev.dialectic.spec.PersonaSettings;
import dev.dialectic.tasks.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The modes on the same goals, and what a fallback costs.
 *
 * <p>Every goal is submitted three times, in parallel, sequential and adaptive mode in turn, at a modest open-loop
 * rate. The speed-up achieved (mean sequential latency over mean parallel latency) is set against the ideal speed-up
 * (mean sum of the three stage durations over mean critical path of a parallel run). Half the adaptive tasks state
 * {@value #STATED_COMPLEXITY} as their complexity and run sequentially; the other half state none, and the estimate
 * from their one-line goals (about 2) runs them in parallel. Adaptive mode is compared with the fixed-mode tasks'
 * latencies weighted by its choices.
 *
 * <p>Then a second deployment, whose antithesis fails part-way with {@code --fallback-error-rate} and whose workers
 * do not retry, runs parallel tasks: those whose antithesis fails fall back to the sequential chain. Their latency
 * is set against that of the tasks that ran in parallel throughout, in the same run.
 */
final class ModesScenario implements Scenario {

    static final String NAME = "modes";
    /** The complexity half the adaptive tasks state: above the default threshold (5), so they run sequentially. */
    static final String STATED_COMPLEXITY = "8";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ScenarioReport run(RunContext context) throws Exception {
        BenchOptions options = context.options();
        Map<String, String> settings = context.referenceModelSettings(NAME);
        Map<String, String> fallbackSettings = fallbackSettings(settings, options.fallbackErrorRate());
        String summary = String.format(Locale.ROOT, "%d goals, each run in parallel, sequential and adaptive mode"
                        + " (in turn, %s tasks/s open loop; half the adaptive tasks state complexity %s, the rest none,"
                        + " so the estimate from their text runs them in parallel); then %d parallel tasks on a second"
                        + " deployment with %s=%s, %s=%s and %s=%s, so some fall back to the sequential chain;"
                        + " simulated speed factor %s", options.modesTasks(),
                Figure.format(options.modesRate(), "tasks/s"), STATED_COMPLEXITY, options.modesTasks(),
                antithesisErrorRate(), fallbackSettings.get(antithesisErrorRate()),
                DialecticConfig.WORKER_RETRY_MAX_ATTEMPTS,
                fallbackSettings.get(DialecticConfig.WORKER_RETRY_MAX_ATTEMPTS), antithesisCircuitFailureRate(),
                fallbackSettings.get(antithesisCircuitFailureRate()), options.speedFactor());
        context.progress(NAME + ": " + summary);
        int tasks = 3 * options.modesTasks();
        Timelines all;
        Workload.Paced<Submission> paced;
        try (Deployment deployment = Deployment.start(settings)) {
            deployment.warmUp(OverheadScenario.WARM_UP_TASKS, Mode.SEQUENTIAL);
            // Tasks 3k, 3k+1 and 3k+2 share goal k, one per mode.
            paced = Workload.openLoop(options.modesRate(), duration(tasks, options.modesRate()),
                    i -> deployment.submit(NAME + "-" + i, Workload.goal(i / 3), Workload.inTurn(i),
                            attributes(Workload.inTurn(i), i / 3)));
            all = Timelines.collect(deployment, paced.sent(), OverheadScenario.DRAIN_TIMEOUT);
        }
        context.progress(NAME + ": fallback group");
        Timelines fallbackRun;
        Workload.Paced<Submission> fallbackPaced;
        try (Deployment deployment = Deployment.start(fallbackSettings)) {
            deployment.warmUp(OverheadScenario.WARM_UP_TASKS, Mode.PARALLEL);
            fallbackPaced = Workload.openLoop(options.modesRate(), duration(options.modesTasks(), options.modesRate()),
                    i -> deployment.submit(NAME + "-fallback-" + i, Workload.goal(i), Mode.PARALLEL));
            fallbackRun = Timelines.collect(deployment, fallbackPaced.sent(), OverheadScenario.DRAIN_TIMEOUT);
        }

        Timelines parallel = all.only(t -> t.requested() == Mode.PARALLEL);
        Timelines sequential = all.only(t -> t.requested() == Mode.SEQUENTIAL);
        Timelines adaptive = all.only(t -> t.requested() == Mode.ADAPTIVE);
        double parallelMean = parallel.summary(Timeline::endToEndMs).mean();
        double sequentialMean = sequential.summary(Timeline::endToEndMs).mean();
        // Stage durations are properties of the model, so every task informs the ideal, whatever its mode.
        double idealSpeedup = all.summary(Timeline::sumOfStagesMs).mean()
                / all.summary(ModesScenario::criticalPathIfParallel).mean();
        double speedup = sequentialMean / parallelMean;
        AdaptiveMix mix = AdaptiveMix.of(all);
        FallbackCost fallback = FallbackCost.of(fallbackRun);
        // Failing again after a fallback is what the fallback group provokes; any other failure is one to look at.
        int failed = all.unsuccessful() + fallbackRun.unsuccessful() - fallbackRun.failedAfterFallback();
        Figures figures = new Figures(NAME)
                .add("parallel.mean", parallelMean, "ms")
                .add("sequential.mean", sequentialMean, "ms")
                .add("speedup", speedup, "x")
                .add("speedup.ideal", idealSpeedup, "x")
                .add("speedup.efficiency", speedup / idealSpeedup, "x")
                .add("adaptive.mean", mix.adaptive().mean(), "ms")
                .add("adaptive.p50", mix.adaptive().p50(), "ms")
                .add("adaptive.p99", mix.adaptive().p99(), "ms")
                .add("adaptive.parallel_share", 100 * mix.parallelShare(), "%")
                .add("adaptive.vs_fixed", mix.versusFixedModes(), "x")
                .add("fallback.fell_back", fallback.fellBack(), "tasks")
                .add("fallback.failed_again", fallback.failedAgain(), "tasks")
                .add("fallback.mean", fallback.fallback().mean(), "ms")
                .add("fallback.p50", fallback.fallback().p50(), "ms")
                .add("no_fallback.mean", fallback.noFallback().mean(), "ms")
                .add("no_fallback.p50", fallback.noFallback().p50(), "ms")
                .add("fallback.cost", fallback.costMs(), "ms")
                .add("fallback.cost.p50", fallback.costP50Ms(), "ms")
                .add("fallback.cost.ideal", fallback.idealCostMs(), "ms")
                .add("fallback.rerun_wait", fallback.rerunWait().mean(), "ms")
                .add("failed", failed, "tasks");
        List<List<Object>> rows = new ArrayList<>();
        rows.add(modeRow("parallel", parallel));
        rows.add(modeRow("sequential", sequential));
        rows.add(modeRow("adaptive", adaptive));
        rows.add(modeRow("adaptive, ran in parallel", adaptive.only(t -> t.mode() == Mode.PARALLEL)));
        rows.add(modeRow("adaptive, ran sequentially", adaptive.only(t -> t.mode() == Mode.SEQUENTIAL)));
        Table byMode = new Table("Latency by mode (ms)", List.of("mode", "n", "e2e mean", "e2e p50", "e2e p99",
                "ideal mean", "overhead mean", "overhead p99"), rows);
        Timelines fellBack = fallbackRun.only(Timeline::fellBack);
        Table byFallback = new Table("Fallback group: latency of the tasks that fell back and of those that did not"
                + " (ms)", byMode.columns(), List.of(
                        modeRow("ran in parallel throughout", fallbackRun.only(t -> t.mode() == Mode.PARALLEL)),
                        modeRow("fell back, then succeeded", fellBack)));
        Table cost = new Table("Fallback group: what a fallback costs (ms)", List.of("figure", "value"), List.of(
                List.of("tasks that fell back", fallback.fellBack()),
                List.of("of which failed again (partial, not timed)", fallback.failedAgain()),
                List.of("cost: mean latency fell back − not", fallback.costMs()),
                List.of("cost: p50 latency fell back − not", fallback.costP50Ms()),
                List.of("ideal cost: the chain's critical path − the parallel one, same stage durations",
                        fallback.idealCostMs()),
                List.of("re-run waiting for the failed attempt after its predecessor answered (mean)",
                        fallback.rerunWait().mean())));
        List<String> notes = new ArrayList<>(OverheadScenario.notes(all, paced));
        OverheadScenario.notes(fallbackRun, fallbackPaced).forEach(note -> notes.add("fallback group: " + note));
        if (fallback.failedAgain() > 0) {
            notes.add(fallback.failedAgain() + " task(s) of the fallback group fell back and failed again (the"
                    + " antithesis run again failed too); they ended partial and are counted, not timed");
        }
        return new ScenarioReport(NAME, summary, RunContext.reportable(settings), figures.list(),
                List.of(byMode, parallel.breakdown("Parallel mode: where the overhead goes (ms)"),
                        sequential.breakdown("Sequential mode: where the overhead goes (ms)"), byFallback, cost,
                        fellBack.breakdown("Fallback group, tasks that fell back: where the overhead goes (ms)")),
                notes, null);
    }

    /**
     * The attributes of the adaptive task of goal {@code goal}: every other one states {@value #STATED_COMPLEXITY}
     * as its complexity; tasks of the fixed modes state none.
     */
    static Map<String, String> attributes(Mode mode, int goal) {
        return mode == Mode.ADAPTIVE && goal % 2 == 0 ? Map.of(Complexity.ATTRIBUTE, STATED_COMPLEXITY) : Map.of();
    }

    /**
     * The fallback group's service: {@code settings} under a topic prefix of its own, an antithesis that fails
     * part-way with probability {@code errorRate}, and one model call per request, so a failed call is final and the
     * task falls back. The antithesis' circuit breaker opens only when every call of its window fails: at its default
     * (half of them) an error rate near 0.5 opens it, and calls then wait up to its pause (10 s) for a probe, which
     * would be measured as the fallback's cost.
     */
    static Map<String, String> fallbackSettings(Map<String, String> settings, double errorRate) {
        Map<String, String> fallback = new LinkedHashMap<>(settings);
        fallback.put(DialecticConfig.TOPIC_PREFIX, settings.get(DialecticConfig.TOPIC_PREFIX) + "fallback.");
        fallback.put(antithesisErrorRate(), Double.toString(errorRate));
        fallback.put(DialecticConfig.WORKER_RETRY_MAX_ATTEMPTS, "1");
        fallback.put(antithesisCircuitFailureRate(), "100");
        return fallback;
    }

    private static String antithesisErrorRate() {
        return "simulated." + Pipeline.ANTITHESIS + ".error.rate";
    }

    private static String antithesisCircuitFailureRate() {
        return PersonaSettings.PREFIX + Pipeline.ANTITHESIS + "." + PersonaSettings.CIRCUIT_FAILURE_RATE;
    }

    private static Duration duration(int tasks, double rate) {
        return Duration.ofNanos(Math.round(tasks / rate * 1e9));
    }

    private static List<Object> modeRow(String label, Timelines timelines) {
        Summary latency = timelines.summary(Timeline::endToEndMs);
        Summary overhead = timelines.summary(Timeline::overheadMs);
        return List.of(label, latency.count(), latency.mean(), latency.p50(), latency.p99(),
                timelines.summary(Timeline::idealMs).mean(), overhead.mean(), overhead.p99());
    }

    /** max(thesis, antithesis) + synthesis of the task's own durations, whatever mode it ran in. */
    private static double criticalPathIfParallel(Timeline timeline) {
        return Timeline.criticalPath(Pipeline.dialectic(Mode.PARALLEL), timeline.durationMs());
    }
}
