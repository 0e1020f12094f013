package dev.dialectic.bench;

import dev.dialectic.tasks.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Overhead at a steady open-loop rate: per task, the client's end-to-end latency minus the ideal critical path
 * of the task's own stage durations, and where that overhead goes (from the ledger's timestamps).
 */
final class OverheadScenario implements Scenario {

    static final String NAME = "overhead";
    /** Tasks run before the paced load starts: group joins, metadata and schema lookups are then behind us. */
    static final int WARM_UP_TASKS = 10;
    static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ScenarioReport run(RunContext context) throws Exception {
        BenchOptions options = context.options();
        Map<String, String> settings = context.referenceModelSettings(NAME);
        String summary = String.format(Locale.ROOT, "%s tasks/s open loop (parallel mode) for %s after a %s warm-up,"
                        + " simulated speed factor %s", Figure.format(options.rate(), "tasks/s"),
                DurationOption.describe(options.duration()), DurationOption.describe(options.warmup()), options.speedFactor());
        context.progress(NAME + ": " + summary);
        try (Deployment deployment = Deployment.start(settings)) {
            deployment.warmUp(WARM_UP_TASKS, Mode.PARALLEL);
            int warmUpCount = (int) Math.round(options.rate() * options.warmup().toNanos() / 1e9);
            AtomicReference<ResourceMonitor> monitor = new AtomicReference<>();
            Workload.Paced<Submission> paced = Workload.openLoop(options.rate(), options.warmup().plus(options.duration()),
                    i -> {
                        if (i == warmUpCount) {
                            monitor.set(ResourceMonitor.start(context.cluster().processes(), Map.of()));
                        }
                        return deployment.submit(NAME + "-" + i, Workload.goal(i), Mode.PARALLEL);
                    });
            ResourceMonitor.Usage usage = monitor.get().stop();
            List<Submission> measured = paced.sent().subList(warmUpCount, paced.sent().size());
            Timelines timelines = Timelines.collect(deployment, measured, DRAIN_TIMEOUT);

            Summary overhead = timelines.summary(Timeline::overheadMs);
            Summary ratio = timelines.summary(Timeline::ratio);
            Figures figures = new Figures(NAME)
                    .add("p50", overhead.p50(), "ms")
                    .add("p95", overhead.p95(), "ms")
                    .add("p99", overhead.p99(), "ms")
                    .add("mean", overhead.mean(), "ms")
                    .add("ratio.p50", ratio.p50(), "x")
                    .add("ratio.p99", ratio.p99(), "x")
                    .add("e2e.p50", timelines.summary(Timeline::endToEndMs).p50(), "ms")
                    .add("ideal.mean", timelines.summary(Timeline::idealMs).mean(), "ms")
                    .add("rate", paced.rate(), "tasks/s")
                    .add("failed", timelines.unsuccessful(), "tasks")
                    .addUsage(usage);
            return new ScenarioReport(NAME, summary, RunContext.reportable(settings), figures.list(),
                    List.of(timelines.breakdown("Where the overhead goes (ms, from ledger timestamps)"),
                            timelines.stageDurations("Stage durations and latency (ms)")),
                    notes(timelines, paced), null);
        }
    }

    /** Caveats of an open-loop run: tasks that did not succeed, a load generator that fell behind. */
    static List<String> notes(Timelines timelines, Workload.Paced<?> paced) {
        List<String> notes = new ArrayList<>();
        if (timelines.failed() > 0) {
            notes.add(timelines.failed() + " task(s) did not succeed; they are left out of the latencies");
        }
        if (timelines.missing() > 0) {
            notes.add(timelines.missing() + " task(s) got no result within " + DRAIN_TIMEOUT.toSeconds() + " s");
        }
        if (paced.worstLagMs() > 10) {
            notes.add(String.format(Locale.ROOT, "the load generator sent a task up to %.0f ms after it was due"
                    + " (latencies are measured from the actual send)", paced.worstLagMs()));
        }
        return notes;
    }
}
