package dev.dialectic.bench;

import dev.dialectic.app.DialecticConfig;
import dev.dialectic.cache.CachePolicy;
import dev.dialectic.cache.CacheStats;
import dev.dialectic.cache.CacheStats.Persona;
import dev.dialectic.cache.LocalCache;
import dev.dialectic.cache.SharedCache;
import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.schema.CacheEntry;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.spec.SpecLoader;
import dev.dialectic.tasks.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The response cache: what a hit on the fast path costs, what a workload of which half repeats earlier tasks gains,
 * and what the cache costs a task that misses. Two deployments run the same load, first one with the cache off, then
 * one with it on: unique goals at the overhead scenario's rate, then {@code --modes-tasks} new goals and, once they
 * have finished, the same goals again (the repeated workload: mean latency on against off; the repeats with the cache
 * on are fast-path hits). With the cache on, every other unique task carries {@code cache=off}: the miss cost is the
 * overhead of the tasks that looked up (and wrote) against that of the tasks that bypassed the cache, sent alternately
 * to the same service, so the JVM's warm-up and the machine's other load weigh on both alike (deployments run one
 * after the other differ by more than the cost measured). The lookup itself is also timed in process.
 */
final class CacheScenario implements Scenario {

    static final String NAME = "cache";
    private static final int LOOKUPS = 200_000;

    @Override
    public String name() {
        return NAME;
    }

    /** What one deployment measured. */
    private record Run(Timelines misses, Timelines bypassed, Timelines originals, Timelines repeats,
            Map<String, Persona> counts, ResourceMonitor.Usage usage) {}

    @Override
    public ScenarioReport run(RunContext context) throws Exception {
        BenchOptions options = context.options();
        String summary = String.format(Locale.ROOT, "with the cache off, then on: %s tasks/s of unique goals (parallel)"
                        + " for %s after a %s warm-up; then %d new goals at %s tasks/s and, once done, the same %d"
                        + " again; simulated speed factor %s", Figure.format(options.rate(), "tasks/s"),
                DurationOption.describe(options.duration()), DurationOption.describe(options.warmup()),
                options.modesTasks(), Figure.format(options.modesRate(), "tasks/s"), options.modesTasks(),
                options.speedFactor());
        context.progress(NAME + ": " + summary);
        Map<String, String> on = settings(context, true);
        Run without = measure(context, settings(context, false), "off");
        Run withCache = measure(context, on, "on");

        Summary fastPath = withCache.repeats().summary(Timeline::endToEndMs);
        double meanOn = mean(withCache.originals(), withCache.repeats());
        double meanOff = mean(without.originals(), without.repeats());
        double missOn = withCache.misses().summary(Timeline::overheadMs).p50();
        double bypassed = withCache.bypassed().summary(Timeline::overheadMs).p50();
        double missOff = without.misses().summary(Timeline::overheadMs).p50();
        long hits = withCache.counts().values().stream().mapToLong(Persona::hits).sum();
        long lookups = hits + withCache.counts().values().stream().mapToLong(Persona::misses).sum();
        Figures figures = new Figures(NAME)
                .add("fastpath.p50", fastPath.p50(), "ms")
                .add("fastpath.p99", fastPath.p99(), "ms")
                .add("repeated.mean.on", meanOn, "ms")
                .add("repeated.mean.off", meanOff, "ms")
                .add("repeated.ratio", meanOn / meanOff, "x")
                .add("miss.overhead.p50.on", missOn, "ms")
                .add("miss.overhead.p50.bypassed", bypassed, "ms")
                .add("miss.cost.p50", missOn - bypassed, "ms")
                .add("miss.overhead.p50.off", missOff, "ms")
                .add("lookup.miss", lookupMicros(), "us")
                .add("hit_rate", lookups == 0 ? Double.NaN : (double) hits / lookups, "x")
                .add("failed", withCache.misses().unsuccessful() + withCache.bypassed().unsuccessful()
                        + withCache.originals().unsuccessful() + withCache.repeats().unsuccessful()
                        + without.misses().unsuccessful()
                        + without.originals().unsuccessful() + without.repeats().unsuccessful(), "tasks")
                .addUsage(withCache.usage());
        // The same figures of the deployment without the cache: what writing and reading the entries costs.
        figures.add("off.cpu.app", without.usage().appCores(), "cores");
        without.usage().otherCores().forEach((process, cores) -> figures.add("off.cpu." + process, cores, "cores"));
        List<List<Object>> rows = new ArrayList<>();
        withCache.counts().forEach((persona, counts) -> rows.add(List.of(persona, counts.hits(), counts.misses(),
                counts.savedMs() / 1000.0)));
        Table perPersona = new Table("Cache counts with the cache on, whole run", List.of("persona", "hits", "misses",
                "saved s"), rows);
        List<String> notes = new ArrayList<>();
        if (fastPath.count() < options.modesTasks()) {
            notes.add((options.modesTasks() - fastPath.count()) + " repeated task(s) with the cache on were not timed"
                    + " (failed or no result)");
        }
        return new ScenarioReport(NAME, summary, RunContext.reportable(on), figures.list(),
                List.of(perPersona, withCache.repeats().breakdown("Fast-path hits: where the time goes (ms)"),
                        withCache.misses().breakdown("Misses with the cache on: where the overhead goes (ms)"),
                        withCache.bypassed().breakdown("The tasks sent alternately with cache=off (ms)"),
                        without.misses().breakdown("The unique goals in the deployment with the cache off (ms)")),
                notes, null);
    }

    private static Map<String, String> settings(RunContext context, boolean cache) {
        Map<String, String> settings = new LinkedHashMap<>(context.serviceSettings(NAME, Map.of(
                DialecticConfig.SIMULATED_SPEED_FACTOR, Double.toString(context.options().speedFactor()),
                DialecticConfig.SIMULATED_JITTER, Double.toString(context.options().jitter()),
                DialecticConfig.CACHE_ENABLED, Boolean.toString(cache))));
        if (!cache) { // a deployment of its own: topics and groups apart from the first one's
            settings.put(DialecticConfig.TOPIC_PREFIX, settings.get(DialecticConfig.TOPIC_PREFIX)
                    .replaceAll("\\.$", "-off."));
        }
        return settings;
    }

    private static Run measure(RunContext context, Map<String, String> settings, String label) throws Exception {
        BenchOptions options = context.options();
        try (Deployment deployment = Deployment.start(settings)) {
            deployment.warmUp(OverheadScenario.WARM_UP_TASKS, Mode.PARALLEL);
            context.progress(NAME + ": cache " + label + ": unique goals");
            int warmUpCount = (int) Math.round(options.rate() * options.warmup().toNanos() / 1e9);
            AtomicReference<ResourceMonitor> monitor = new AtomicReference<>();
            Workload.Paced<Submission> paced = Workload.openLoop(options.rate(),
                    options.warmup().plus(options.duration()), i -> {
                        if (i == warmUpCount) {
                            monitor.set(ResourceMonitor.start(context.cluster().processes(), Map.of()));
                        }
                        return deployment.submit(NAME + "-unique-" + i, "Unique: " + Workload.goal(i), Mode.PARALLEL,
                                i % 2 == 1 ? Map.of(CachePolicy.CACHE_ATTRIBUTE, CachePolicy.OFF) : Map.of());
                    });
            ResourceMonitor.Usage usage = monitor.get().stop();
            Timelines unique = Timelines.collect(deployment,
                    paced.sent().subList(warmUpCount, paced.sent().size()), OverheadScenario.DRAIN_TIMEOUT);
            boolean cacheOn = deployment.service().cache() != null;
            Timelines misses = cacheOn ? unique.only(t -> index(t) % 2 == 0) : unique;
            Timelines bypassed = unique.only(t -> index(t) % 2 == 1);

            context.progress(NAME + ": cache " + label + ": new goals, then the same again");
            Timelines originals = repeatable(deployment, options, "original");
            Timelines repeats = repeatable(deployment, options, "repeat");
            Map<String, Persona> counts = new LinkedHashMap<>();
            SharedCache cache = deployment.service().cache();
            if (cache != null) {
                for (String persona : List.of(Pipeline.THESIS, Pipeline.ANTITHESIS, Pipeline.SYNTHESIS)) {
                    counts.put(persona, cache.stats().persona(persona));
                }
            }
            return new Run(misses, bypassed, originals, repeats, counts, usage);
        }
    }

    /** {@code --modes-tasks} tasks with the same goals every time this is called, at the modes rate; waits for all. */
    private static Timelines repeatable(Deployment deployment, BenchOptions options, String round)
            throws InterruptedException {
        int tasks = options.modesTasks();
        Workload.Paced<Submission> paced = Workload.openLoop(options.modesRate(),
                Duration.ofNanos(Math.round(tasks / options.modesRate() * 1e9)),
                i -> deployment.submit(NAME + "-" + round + "-" + i, "Repeated: " + Workload.goal(i), Mode.PARALLEL));
        return Timelines.collect(deployment, paced.sent(), OverheadScenario.DRAIN_TIMEOUT);
    }

    /** The index of a unique-goal task, from its id. */
    private static int index(Timeline timeline) {
        return Integer.parseInt(timeline.taskId().substring(timeline.taskId().lastIndexOf('-') + 1));
    }

    private static double mean(Timelines first, Timelines second) {
        Summary a = first.summary(Timeline::endToEndMs);
        Summary b = second.summary(Timeline::endToEndMs);
        return (a.mean() * a.count() + b.mean() * b.count()) / (a.count() + b.count());
    }

    /**
     * What the orchestrator adds to a stage that misses: the key (SHA-256 over the request) and the lookup in memory,
     * for a synthesis request of a typical size, in microseconds, after a warm-up of as many lookups.
     */
    static double lookupMicros() {
        CachePolicy policy = CachePolicy.of(SpecLoader.defaultSpec(), "simulated", true);
        LocalCache cache = new LocalCache(policy, new CacheStats());
        for (int i = 0; i < 500; i++) {
            cache.write("k" + i, CacheEntry.newBuilder().setPersona("synthesis").setText("answer " + i)
                    .setProvider("simulated").setModel("m").setCreatedAt(Instant.now()).setCallMs(1).setOutputTokens(1)
                    .build());
        }
        List<PersonaInput> inputs = List.of(new PersonaInput("thesis", "thesis", "For. ".repeat(200)),
                new PersonaInput("antithesis", "antithesis", "Against. ".repeat(200)));
        long found = 0;
        long start = 0;
        for (int round = 0; round < 2; round++) {
            start = System.nanoTime();
            for (int i = 0; i < LOOKUPS; i++) {
                String key = policy.key("synthesis", Workload.goal(i), null, inputs, Map.of(), "baseline")
                        .orElseThrow();
                found += cache.lookup(key, "synthesis", System.currentTimeMillis()).isPresent() ? 1 : 0;
            }
        }
        if (found != 0) {
            throw new IllegalStateException("unique requests hit the cache");
        }
        return (System.nanoTime() - start) / 1e3 / LOOKUPS;
    }
}
