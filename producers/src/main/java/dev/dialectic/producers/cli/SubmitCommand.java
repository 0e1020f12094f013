package dev.dialectic.producers.cli;

import dev.dialectic.producers.DialecticClient;
import dev.dialectic.producers.TaskSpec;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.text.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.errors.InterruptException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dialectic cli submit}: one goal, or a JSON Lines file of tasks; optionally waits for the results. */
@Command(name = "submit", sortOptions = false,
        description = {
            "Submits one task (GOAL) or every task of a JSON Lines file (--file) and prints the task ids.",
            "With --wait, waits for the results: for one task, prints its synthesis and timeline; for a file, shows"
                    + " progress on stderr and ends with the batch's statistics. Exits 0 only when every task"
                    + " SUCCEEDED (see the exit codes of dialectic cli).",
            "File lines look like {\"id\": \"t-1\", \"goal\": \"...\", \"context\": \"...\", \"mode\": \"parallel\","
                    + " \"timeoutMs\": 30000, \"attributes\": {\"team\": \"infra\"}}; only goal is required. Nothing"
                    + " is sent unless every line is valid."})
final class SubmitCommand implements Callable<Integer> {

    @ParentCommand
    private DialecticCli cli;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "GOAL", description = "What the task asks for.")
    private String goal;

    @Option(names = "--context", paramLabel = "TEXT", description = "Background the personas should consider.")
    private String context;

    @Option(names = "--mode", paramLabel = "MODE", description = "parallel, sequential or adaptive (default: the service's).")
    private String mode;

    @Option(names = "--id", paramLabel = "ID",
            description = "Task id (default: a random UUID). Re-submitting a known id is ignored by the service.")
    private String id;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the task may run once accepted, e.g. 30s, 2m (default: the service's).")
    private Duration timeout;

    @Option(names = "--attr", paramLabel = "KEY=VALUE", description = "An attribute of the task (repeatable).")
    private Map<String, String> attributes = new LinkedHashMap<>();

    @Option(names = "--file", paramLabel = "FILE", description = "Submit every task of this JSON Lines file.")
    private Path file;

    @Option(names = "--wait", description = "Wait for the results.")
    private boolean wait;

    @Option(names = "--wait-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "6m", description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    private Duration waitTimeout;

    @Option(names = "--show", description = "With --file: print each result and its timeline as it arrives"
            + " (implies --wait).")
    private boolean show;

    @Override
    public Integer call() {
        return cli.withClient(spec, client -> file == null ? submitGoal(client) : submitFile(client));
    }

    private int submitGoal(DialecticClient client) {
        if (goal == null) {
            throw new BadInputException("give a goal, or --file FILE with one task per line");
        }
        checkWaitTimeout();
        TaskSpec task = TaskSpec.builder().id(id).goal(goal).context(context).mode(mode).timeout(timeout)
                .attributes(attributes).build();
        String taskId = client.submit(task);
        PrintWriter out = out();
        out.println(taskId);
        out.flush();
        if (!wait && !show) {
            return DialecticCli.OK;
        }
        SynthesisResult result = client.awaitResults(List.of(taskId), waitTimeout, r -> {}).get(taskId);
        if (result == null) {
            throw new NotThereException("no result for task " + taskId + " within " + Durations.format(waitTimeout));
        }
        out.print(describe(client, result));
        out.flush();
        return result.getStatus() == ResultStatus.SUCCEEDED ? DialecticCli.OK : DialecticCli.UNSUCCESSFUL;
    }

    private int submitFile(DialecticClient client) {
        if (goal != null) {
            throw new BadInputException("give a goal or --file, not both");
        }
        if (context != null || mode != null || id != null || timeout != null || !attributes.isEmpty()) {
            throw new BadInputException("--context, --mode, --id, --timeout and --attr describe a single goal; with"
                    + " --file, give them on each line");
        }
        checkWaitTimeout();
        List<TaskSpec> tasks = TaskFile.read(file, client.rules()).stream().map(TaskFile.Entry::spec).toList();
        List<String> ids = client.submitAll(tasks);
        PrintWriter out = out();
        PrintWriter err = spec.commandLine().getErr();
        if (!wait && !show) {
            ids.forEach(out::println);
            out.flush();
            return DialecticCli.OK;
        }
        err.println("submitted " + ids.size() + " tasks from " + file + "; waiting up to "
                + Durations.format(waitTimeout) + " for their results");
        err.flush();
        Progress progress = new Progress(err, cli.redrawsProgress(), DialecticCli.unicode(), ids.size());
        Object console = new Object(); // the progress bar and the shown results share the terminal
        Map<String, Duration> latencies = new HashMap<>();
        List<Future<?>> shown = new ArrayList<>();
        Map<String, SynthesisResult> results;
        // Showing a result reads its ledger, which takes a moment: done aside, so that it neither delays
        // noticing the next results nor inflates their measured latency.
        try (ExecutorService printer = Executors.newSingleThreadExecutor()) {
            results = client.awaitResults(ids, waitTimeout, result -> {
                latencies.put(result.getTaskId(), Duration.between(result.getSubmittedAt(), Instant.now()));
                synchronized (console) {
                    progress.arrived(result.getStatus());
                }
                if (show) {
                    shown.add(printer.submit(() -> {
                        String block = describe(client, result);
                        synchronized (console) {
                            progress.clear();
                            out.println(block);
                            out.flush();
                            progress.redraw();
                        }
                    }));
                }
            });
        }
        for (Future<?> print : shown) {
            await(print);
        }
        progress.finish();
        BatchStatistics statistics = BatchStatistics.of(ids, results, latencies);
        out.print(statistics.render());
        out.flush();
        if (!statistics.timedOut().isEmpty()) {
            return DialecticCli.NOT_THERE;
        }
        return statistics.succeeded() == statistics.total() ? DialecticCli.OK : DialecticCli.UNSUCCESSFUL;
    }

    /** The result, then the task's timeline; the ledger is final by now, committed with the result. */
    private static String describe(DialecticClient client, SynthesisResult result) {
        return ResultRenderer.render(result) + "timeline:\n" + client.ledger(result.getTaskId())
                .map(new LedgerRenderer(LedgerRenderer.DEFAULT_WIDTH, DialecticCli.unicode())::renderTimeline)
                .orElse("(no ledger for this task)\n");
    }

    private static void await(Future<?> future) {
        try {
            future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private void checkWaitTimeout() {
        if (waitTimeout.isNegative() || waitTimeout.isZero()) {
            throw new BadInputException("--wait-timeout must be positive");
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
