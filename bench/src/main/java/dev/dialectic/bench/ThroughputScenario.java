package dev.dialectic.bench;

import dev.dialectic.app.DialecticConfig;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.tasks.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The highest sustained end-to-end rate with a zero-latency model: closed loop, a fixed number of tasks
 * outstanding (a new task goes out as each result comes in), so the rate is whatever the system sustains.
 * Measured after a warm-up, with the CPU of every process and the heap while measuring.
 */
final class ThroughputScenario implements Scenario {

    static final String NAME = "throughput";
    private static final Duration BUCKET = Duration.ofSeconds(5);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ScenarioReport run(RunContext context) throws Exception {
        BenchOptions options = context.options();
        Map<String, String> defaults = new LinkedHashMap<>(RunContext.THROUGHPUT_TUNING);
        defaults.put(DialecticConfig.SIMULATED_SPEED_FACTOR, "0");
        Map<String, String> settings = context.serviceSettings(NAME, defaults);
        String summary = String.format(Locale.ROOT, "closed loop with %d tasks outstanding, zero-latency model,"
                        + " measured for %s after a %s warm-up", options.outstanding(),
                DurationOption.describe(options.throughputDuration()), DurationOption.describe(options.throughputWarmup()));
        context.progress(NAME + ": " + summary);
        try (Deployment deployment = Deployment.start(settings)) {
            deployment.warmUp(OverheadScenario.WARM_UP_TASKS, Mode.PARALLEL);
            Map<String, Submission> submitted = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
            AtomicInteger failed = new AtomicInteger();
            Semaphore slots = new Semaphore(options.outstanding());
            deployment.results().onArrival(arrival -> {
                // Warm-up results all came before this listener was set: every arrival frees a slot.
                slots.release();
                if (arrival.status() != ResultStatus.SUCCEEDED) {
                    failed.incrementAndGet();
                }
                Submission submission = submitted.remove(arrival.taskId());
                // Null only if the result beat the map entry by microseconds: counted, but not timed.
                completions.add(new Completion(arrival.seenNanos(), submission == null ? Double.NaN
                        : (arrival.seenNanos() - submission.sentNanos()) / 1e6));
            });

            long start = System.nanoTime();
            long measureFrom = start + options.throughputWarmup().toNanos();
            long measureTo = measureFrom + options.throughputDuration().toNanos();
            AtomicReference<ResourceMonitor.Usage> usage = new AtomicReference<>();
            AtomicReference<Table> streamThreads = new AtomicReference<>();
            Thread measurer = Thread.ofPlatform().name("bench-throughput-window").start(() -> {
                sleepUntil(measureFrom);
                ResourceMonitor monitor = ResourceMonitor.start(context.cluster().processes(), Map.of());
                sleepUntil(measureTo);
                usage.set(monitor.stop());
                streamThreads.set(StreamThreadMetrics.snapshot(deployment.service().orchestrator(),
                        "Orchestrator stream threads at the end of the window (Kafka Streams metrics, last 30–60 s)"));
            });
            int sent = 0;
            List<Submission> sentWhileMeasuring = new ArrayList<>();
            while (System.nanoTime() < measureTo) {
                if (slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    String id = NAME + "-" + sent;
                    Submission submission = deployment.submit(id, Workload.goal(sent), Mode.PARALLEL);
                    submitted.put(id, submission);
                    if (submission.sentNanos() >= measureFrom) {
                        sentWhileMeasuring.add(submission);
                    }
                    sent++;
                }
            }
            measurer.join();
            boolean drained = slots.tryAcquire(options.outstanding(), DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            int missing = drained ? 0 : options.outstanding() - slots.availablePermits();

            double seconds = options.throughputDuration().toNanos() / 1e9;
            List<Completion> window = completions.stream()
                    .filter(c -> c.seenNanos() >= measureFrom && c.seenNanos() < measureTo).toList();
            double sustained = window.size() / seconds;
            Summary latency = Summary.of(window.stream().mapToDouble(Completion::latencyMs)
                    .filter(ms -> !Double.isNaN(ms)).toArray());
            List<List<Object>> buckets = new ArrayList<>();
            double worstBucket = Double.MAX_VALUE;
            for (long from = measureFrom; from + BUCKET.toNanos() <= measureTo; from += BUCKET.toNanos()) {
                long bucketFrom = from;
                long count = window.stream().filter(c -> c.seenNanos() >= bucketFrom
                        && c.seenNanos() < bucketFrom + BUCKET.toNanos()).count();
                double rate = count / (BUCKET.toNanos() / 1e9);
                worstBucket = Math.min(worstBucket, rate);
                buckets.add(List.of(String.format(Locale.ROOT, "%.0f–%.0f s", (from - measureFrom) / 1e9,
                        (from - measureFrom + BUCKET.toNanos()) / 1e9), count, rate));
            }
            ResourceMonitor.Usage measured = usage.get();
            Figures figures = new Figures(NAME)
                    .add("sustained", sustained, "tasks/s")
                    .add("worst_5s", buckets.isEmpty() ? Double.NaN : worstBucket, "tasks/s")
                    .add("e2e.p50", latency.p50(), "ms")
                    .add("e2e.p99", latency.p99(), "ms")
                    .addUsage(measured)
                    .add("cpu.total", measured.totalCores(), "cores")
                    .add("cpu_per_task", window.isEmpty() ? Double.NaN
                            : measured.totalCores() * measured.seconds() * 1000 / window.size(), "ms")
                    .add("failed", failed.get() + missing, "tasks");
            List<String> notes = new ArrayList<>();
            if (context.cluster().processes().isEmpty()) {
                notes.add("the broker's and the registry's CPU is not measured (a given cluster; see --measure-process)");
            }
            if (failed.get() + missing > 0) {
                notes.add(failed.get() + " task(s) did not succeed and " + missing + " got no result within "
                        + DRAIN_TIMEOUT.toSeconds() + " s after the load stopped");
            }
            // Every result is in by now (or counted missing above): no further wait.
            Timelines timelines = Timelines.collect(deployment, sentWhileMeasuring, Duration.ZERO);
            return new ScenarioReport(NAME, summary, RunContext.reportable(settings), figures.list(),
                    List.of(new Table("Completions per " + BUCKET.toSeconds() + " s while measuring",
                                    List.of("window", "tasks", "tasks/s"), buckets),
                            timelines.breakdown("Where the time goes, tasks sent while measuring (ms, from ledger"
                                    + " timestamps)"),
                            streamThreads.get()),
                    notes, null);
        }
    }

    private static void sleepUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A result that came in while the loop ran: when, and how long after its task was sent (NaN if unknown). */
    private record Completion(long seenNanos, double latencyMs) {}
}
