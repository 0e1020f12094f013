package dev.dialectic.bench;

import dev.dialectic.app.DialecticConfig;
import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.tasks.Mode;
import dev.dialectic.worker.PersonaWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Many tasks in flight at once: N tasks submitted in one burst, every stage taking the same latency L, and the
 * time until the last result is visible set against the ideal for the configured concurrency.
 *
 * <p>Ideal: with C calls in flight per persona, thesis and antithesis (separate pools, side by side) take
 * ⌈N/C⌉ rounds of L, and synthesis runs pipelined behind them, adding one round once the last thesis and
 * antithesis finish: ideal = (⌈N/C⌉ + 1) · L. C is the smaller of {@code worker.max.in.flight} and what the
 * share group lets be locked at once, partitions × {@code share.partition.max.record.locks}.
 */
final class ScaleScenario implements Scenario {

    static final String NAME = "scale";
    /** Kafka's default of the group config {@value #RECORD_LOCKS_CONFIG}, used when the broker does not say. */
    static final int DEFAULT_RECORD_LOCKS = 2000;
    static final String RECORD_LOCKS_CONFIG = "share.partition.max.record.locks";
    private static final List<String> PERSONAS = List.of(Pipeline.THESIS, Pipeline.ANTITHESIS, Pipeline.SYNTHESIS);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ScenarioReport run(RunContext context) throws Exception {
        BenchOptions options = context.options();
        int tasks = options.scaleTasks();
        long latencyMs = options.scaleLatency().toMillis();
        Map<String, String> defaults = new LinkedHashMap<>(RunContext.THROUGHPUT_TUNING);
        for (String persona : PERSONAS) {
            defaults.put("simulated." + persona + ".latency.ms", Long.toString(latencyMs));
        }
        defaults.put(DialecticConfig.WORKER_MAX_IN_FLIGHT, Integer.toString(Math.max(tasks, 256)));
        Map<String, String> settings = context.serviceSettings(NAME, defaults);
        String summary = String.format(Locale.ROOT, "%d tasks submitted at once, every stage %s", tasks,
                DurationOption.describe(options.scaleLatency()));
        context.progress(NAME + ": " + summary);
        try (Deployment deployment = Deployment.start(settings)) {
            deployment.warmUp(OverheadScenario.WARM_UP_TASKS, Mode.PARALLEL);
            DialecticConfig config = deployment.config();
            int partitions = config.getInt(DialecticConfig.TOPIC_PARTITIONS);
            int locks = recordLocks(config, PersonaWorker.groupId(deployment.topics(), Pipeline.THESIS));
            int concurrency = Math.min(config.getInt(DialecticConfig.WORKER_MAX_IN_FLIGHT), partitions * locks);
            double idealSeconds = (Math.ceil((double) tasks / concurrency) + 1) * latencyMs / 1000.0;

            Map<String, LongSupplier> gauges = new LinkedHashMap<>();
            deployment.service().workers().workers()
                    .forEach(worker -> gauges.put(worker.persona(), () -> worker.inFlight()));
            ResourceMonitor monitor = ResourceMonitor.start(context.cluster().processes(), gauges);
            List<Submission> sent = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                sent.add(deployment.submit(NAME + "-" + i, Workload.goal(i), Mode.PARALLEL));
            }
            long firstSent = sent.getFirst().sentNanos();
            double submitSeconds = (System.nanoTime() - firstSent) / 1e9;
            Duration timeout = Duration.ofMinutes(3).plusMillis(Math.round(idealSeconds * 3000));
            Timelines timelines = Timelines.collect(deployment, sent, timeout);
            ResourceMonitor.Usage usage = monitor.stop();
            Table streamThreads = StreamThreadMetrics.snapshot(deployment.service().orchestrator(),
                    "Orchestrator stream threads after the drain (Kafka Streams metrics, last 30–60 s)");
            long lastSeen = sent.stream().map(s -> deployment.results().arrival(s.taskId()))
                    .filter(a -> a != null).mapToLong(Arrival::seenNanos).max().orElse(firstSent);
            double drainSeconds = (lastSeen - firstSent) / 1e9;

            Figures figures = new Figures(NAME)
                    .add("drain", drainSeconds, "s")
                    .add("ideal", idealSeconds, "s")
                    .add("drain_vs_ideal", drainSeconds / idealSeconds, "x")
                    .add("submit", submitSeconds, "s")
                    .add("concurrency", concurrency, "calls");
            usage.gaugePeaks().forEach((persona, peak) -> figures.add("peak_in_flight." + persona, peak, "calls"));
            figures.addUsage(usage).add("failed", timelines.unsuccessful(), "tasks");
            List<String> notes = new ArrayList<>();
            notes.add(String.format(Locale.ROOT, "ideal = (⌈N/C⌉ + 1) · L = (⌈%d/%d⌉ + 1) · %d ms, with C = min(%s = %d,"
                            + " partitions %d × %s %d)", tasks, concurrency, latencyMs,
                    DialecticConfig.WORKER_MAX_IN_FLIGHT, config.getInt(DialecticConfig.WORKER_MAX_IN_FLIGHT),
                    partitions, RECORD_LOCKS_CONFIG, locks));
            if (timelines.unsuccessful() > 0) {
                notes.add(timelines.failed() + " task(s) did not succeed and " + timelines.missing()
                        + " got no result within " + timeout.toSeconds() + " s");
            }
            return new ScenarioReport(NAME, summary, RunContext.reportable(settings), figures.list(),
                    List.of(timelines.breakdown("Where the time goes (ms, from ledger timestamps)"),
                            timelines.stageDurations("Stage durations and latency (ms)"), streamThreads),
                    notes, null);
        }
    }

    /** The persona groups' {@value #RECORD_LOCKS_CONFIG}, as the broker reports it, or Kafka's default. */
    private static int recordLocks(DialecticConfig config, String groupId) {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        try (Admin admin = Admin.create(config.clientConfig())) {
            ConfigEntry entry = admin.describeConfigs(List.of(group)).all().get(30, TimeUnit.SECONDS)
                    .get(group).get(RECORD_LOCKS_CONFIG);
            return entry == null || entry.value() == null ? DEFAULT_RECORD_LOCKS : Integer.parseInt(entry.value());
        } catch (ExecutionException | TimeoutException | NumberFormatException e) {
            return DEFAULT_RECORD_LOCKS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DEFAULT_RECORD_LOCKS;
        }
    }
}
