package dev.dialectic.bench;

import dev.dialectic.app.DialecticConfig;
import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.simulated.SimulatedProvider;
import dev.dialectic.orchestrator.Pipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The overhead scenario's workload (same goals, rate, warm-up, duration and model timings) run in-process by
 * {@link InProcessPipeline}: what thesis ∥ antithesis → synthesis costs beyond the ideal with no Kafka at all,
 * reported next to the Kafka figures when the overhead scenario ran in the same run.
 */
final class BaselineScenario implements Scenario {

    static final String NAME = "baseline";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ScenarioReport run(RunContext context) throws Exception {
        BenchOptions options = context.options();
        Map<String, String> settings = context.referenceModelSettings(NAME);
        DialecticConfig config = new DialecticConfig(settings);
        String summary = String.format(Locale.ROOT, "the overhead workload (%s tasks/s for %s after a %s warm-up,"
                        + " speed factor %s) in-process with CompletableFutures on virtual threads, no Kafka",
                Figure.format(options.rate(), "tasks/s"), DurationOption.describe(options.duration()),
                DurationOption.describe(options.warmup()), options.speedFactor());
        context.progress(NAME + ": " + summary);
        Map<String, LlmProvider> providers = Map.of(
                Pipeline.THESIS, provider(config, Pipeline.THESIS),
                Pipeline.ANTITHESIS, provider(config, Pipeline.ANTITHESIS),
                Pipeline.SYNTHESIS, provider(config, Pipeline.SYNTHESIS));
        try (InProcessPipeline pipeline = new InProcessPipeline(providers)) {
            List<CompletableFuture<InProcessPipeline.Run>> warmUp = new ArrayList<>();
            for (int i = 0; i < OverheadScenario.WARM_UP_TASKS; i++) {
                warmUp.add(pipeline.run("warm-up-" + i, Workload.goal(i)));
            }
            CompletableFuture.allOf(warmUp.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);

            int warmUpCount = (int) Math.round(options.rate() * options.warmup().toNanos() / 1e9);
            Workload.Paced<CompletableFuture<InProcessPipeline.Run>> paced = Workload.openLoop(options.rate(),
                    options.warmup().plus(options.duration()), i -> pipeline.run(NAME + "-" + i, Workload.goal(i)));
            List<CompletableFuture<InProcessPipeline.Run>> measured =
                    paced.sent().subList(warmUpCount, paced.sent().size());
            CompletableFuture.allOf(measured.toArray(CompletableFuture[]::new))
                    .get(OverheadScenario.DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<InProcessPipeline.Run> runs = measured.stream().map(CompletableFuture::join).toList();

            Summary overhead = Summary.of(runs.stream().mapToDouble(InProcessPipeline.Run::overheadMs).toArray());
            Figures figures = new Figures(NAME)
                    .add("overhead.mean", overhead.mean(), "ms")
                    .add("overhead.p50", overhead.p50(), "ms")
                    .add("overhead.p99", overhead.p99(), "ms")
                    .add("e2e.p50", Summary.of(runs.stream().mapToDouble(InProcessPipeline.Run::endToEndMs)
                            .toArray()).p50(), "ms");
            List<Table> tables = new ArrayList<>();
            context.earlier(OverheadScenario.NAME).filter(report -> report.error() == null).ifPresent(kafka -> {
                figures.add("kafka_cost.p50", figure(kafka, "p50") - overhead.p50(), "ms");
                tables.add(comparison(kafka, overhead));
            });
            return new ScenarioReport(NAME, summary, RunContext.reportable(settings), figures.list(), tables,
                    paced.worstLagMs() > 10
                            ? List.of(String.format(Locale.ROOT, "the load generator sent a task up to %.0f ms late",
                                    paced.worstLagMs()))
                            : List.of(),
                    null);
        }
    }

    private static LlmProvider provider(DialecticConfig config, String persona) {
        return new SimulatedProvider(persona, config.simulatedProfile(persona));
    }

    /** Overhead beyond the ideal with Kafka (from the overhead scenario) and without, side by side. */
    private static Table comparison(ScenarioReport kafka, Summary inProcess) {
        List<List<Object>> rows = new ArrayList<>();
        for (String statistic : List.of("mean", "p50", "p99")) {
            double withKafka = figure(kafka, statistic);
            double without = switch (statistic) {
                case "mean" -> inProcess.mean();
                case "p50" -> inProcess.p50();
                default -> inProcess.p99();
            };
            rows.add(List.of(statistic, withKafka, without, withKafka - without));
        }
        return new Table("Overhead beyond the ideal (ms): Kafka pipeline vs in-process, same workload",
                List.of("statistic", "kafka", "in-process", "what durability costs"), rows);
    }

    private static double figure(ScenarioReport report, String statistic) {
        return report.figure(report.name() + "." + statistic).map(Figure::value).orElse(Double.NaN);
    }
}
