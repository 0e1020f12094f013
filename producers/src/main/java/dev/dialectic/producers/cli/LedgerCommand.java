package dev.dialectic.producers.cli;

import dev.dialectic.schema.TaskLedger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dialectic cli ledger ID}: a task's timeline, as text bars. */
@Command(name = "ledger",
        description = {"Prints a task's timeline from the ledger: each stage's wait and model call on one time axis"
                + " from acceptance to finish, with durations, time to first token and tokens; then the ideal"
                + " critical path (max(thesis, antithesis) + synthesis; in sequential mode their sum) against the"
                + " actual total."})
final class LedgerCommand implements Callable<Integer> {

    @ParentCommand
    private DialecticCli cli;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "TASK-ID", description = "The task's id.")
    private String taskId;

    @Override
    public Integer call() {
        return cli.withClient(spec, client -> {
            TaskLedger ledger = client.ledger(taskId).orElseThrow(() -> new NotThereException("no ledger for task '"
                    + taskId + "' on " + client.topics().ledger().name()
                    + " (not accepted yet, rejected to the dlq, or another id)"));
            spec.commandLine().getOut().print(
                    new LedgerRenderer(LedgerRenderer.DEFAULT_WIDTH, DialecticCli.unicode()).render(ledger));
            spec.commandLine().getOut().flush();
            return DialecticCli.OK;
        });
    }
}
