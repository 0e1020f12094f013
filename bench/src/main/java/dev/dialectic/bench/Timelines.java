package dev.dialectic.bench;

import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.schema.TaskLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The timelines of a batch of submitted tasks, and the tasks that did not succeed.
 *
 * @param timelines one per task that succeeded with a complete ledger
 * @param failed tasks whose result came but did not succeed (or whose ledger was incomplete)
 * @param missing tasks whose result did not come in time
 */
record Timelines(List<Timeline> timelines, int failed, int missing) {

    private static final List<String> STAGES = List.of(Pipeline.THESIS, Pipeline.ANTITHESIS, Pipeline.SYNTHESIS);

    Timelines {
        timelines = List.copyOf(timelines);
    }

    /** Waits up to {@code timeout} for the results of {@code submissions}, then reads their ledgers. */
    static Timelines collect(Deployment deployment, List<Submission> submissions, Duration timeout)
            throws InterruptedException {
        Set<String> missing = deployment.results().awaitAll(
                submissions.stream().map(Submission::taskId).toList(), timeout);
        List<Submission> arrived = submissions.stream().filter(s -> !missing.contains(s.taskId())).toList();
        Map<String, TaskLedger> ledgers = deployment.ledgers(arrived.stream().map(Submission::taskId)
                .collect(Collectors.toSet()));
        List<Timeline> timelines = new ArrayList<>();
        for (Submission submission : arrived) {
            TaskLedger ledger = ledgers.get(submission.taskId());
            if (ledger != null) {
                Timeline.of(submission, deployment.results().arrival(submission.taskId()), ledger)
                        .ifPresent(timelines::add);
            }
        }
        return new Timelines(timelines, arrived.size() - timelines.size(), missing.size());
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
        return new Timelines(timelines.stream().filter(keep).toList(), failed, missing);
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
