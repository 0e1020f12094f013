package dev.dialectic.bench;

import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.schema.TaskLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The timelines of a batch of submitted tasks, and the tasks that did not succeed.
 *
 * @param timelines one per task that succeeded with a complete ledger
 * @param failed tasks whose result came but did not succeed (or whose ledger was incomplete)
 * @param missing tasks whose result did not come in time
 * @param failedAfterFallback those of {@code failed} that fell back to the sequential chain first (the stage run
 *     again failed too)
 */
record Timelines(List<Timeline> timelines, int failed, int missing, int failedAfterFallback) {

    private static final List<String> STAGES = List.of(Pipeline.THESIS, Pipeline.ANTITHESIS, Pipeline.SYNTHESIS);

    Timelines {
        timelines = List.copyOf(timelines);
    }

    /** Waits up to {@code timeout} for the results of {@code submissions}, then reads their ledgers. */
    static Timelines collect(Deployment deployment, List<Submission> submissions, Duration timeout)
            throws InterruptedException {
        Set<String> missing = deployment.results().awaitAll(
                submissions.stream().map(Submission::taskId).toList(), timeout);
        Map<String, TaskLedger> ledgers = deployment.ledgers(submissions.stream().map(Submission::taskId)
                .filter(id -> !missing.contains(id)).collect(Collectors.toSet()));
        return of(submissions, missing, ledgers, deployment.results()::arrival);
    }

    /**
     * The timelines of {@code submissions} from their {@code ledgers} and {@code arrivals}: a task in
     * {@code missing} is missing, one that arrived is timed if it succeeded with a complete ledger, failed otherwise.
     */
    static Timelines of(List<Submission> submissions, Set<String> missing, Map<String, TaskLedger> ledgers,
            Function<String, Arrival> arrivals) {
        List<Timeline> timelines = new ArrayList<>();
        int failed = 0;
        int failedAfterFallback = 0;
        for (Submission submission : submissions) {
            if (missing.contains(submission.taskId())) {
                continue;
            }
            TaskLedger ledger = ledgers.get(submission.taskId());
            Optional<Timeline> timeline = ledger == null ? Optional.empty()
                    : Timeline.of(submission, arrivals.apply(submission.taskId()), ledger);
            if (timeline.isPresent()) {
                timelines.add(timeline.get());
            } else {
                failed++;
                if (ledger != null && ledger.getFallbackStage() != null) {
                    failedAfterFallback++;
                }
            }
        }
        return new Timelines(timelines, failed, (int) submissions.stream().filter(s -> missing.contains(s.taskId()))
                .count(), failedAfterFallback);
    }

    /** Tasks that did not end with a timed success. */
    int unsuccessful() {
        return failed + missing;
    }

    /** The summary of {@code value} over the timelines. */
    Summary summary(ToDoubleFunction<Timeline> value) {
        return Summary.of(timelines.stream().mapToDouble(value).toArray());
    }

    /** This batch restricted to the timelines {@code keep} accepts (failure counts unchanged). */
    Timelines only(Predicate<Timeline> keep) {
        return new Timelines(timelines.stream().filter(keep).toList(), failed, missing, failedAfterFallback);
    }

    /**
     * Where the overhead goes, from the ledger's timestamps: one row per hop. Stages run side by side, so in
     * parallel mode the rows add up to more than the overhead (the shorter stage's hops are off the critical path).
     */
    Table breakdown(String title) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(Table.summaryRow("submit → accepted", summary(Timeline::acceptMs)));
        for (String stage : STAGES) {
            rows.add(Table.summaryRow(stage + ": requested → started (queueing)",
                    summary(t -> t.queueMs().get(stage))));
        }
        for (String stage : STAGES) {
            rows.add(Table.summaryRow(stage + ": finished → recorded", summary(t -> t.recordMs().get(stage))));
        }
        rows.add(Table.summaryRow("last recorded → result visible", summary(Timeline::resultMs)));
        rows.add(Table.summaryRow("overhead (end-to-end − ideal)", summary(Timeline::overheadMs)));
        return new Table(title, Table.summaryColumns("hop (ms)"), rows);
    }

    /** Stage durations as the ledger recorded them, for checking that the model ran as configured. */
    Table stageDurations(String title) {
        List<List<Object>> rows = new ArrayList<>();
        for (String stage : STAGES) {
            rows.add(Table.summaryRow(stage, summary(t -> t.durationMs().get(stage))));
        }
        rows.add(Table.summaryRow("ideal (critical path)", summary(Timeline::idealMs)));
        rows.add(Table.summaryRow("end-to-end", summary(Timeline::endToEndMs)));
        return new Table(title, Table.summaryColumns("ms"), rows);
    }
}
