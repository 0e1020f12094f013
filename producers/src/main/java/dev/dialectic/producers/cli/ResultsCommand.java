package dev.dialectic.producers.cli;

import dev.dialectic.schema.SynthesisResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dialectic cli results}: prints results, one block per task. */
@Command(name = "results",
        description = {"Prints results, one block per task: every result on the results topic now, or with --follow"
                + " each new result as it arrives, until Ctrl-C."})
final class ResultsCommand implements Callable<Integer> {

    @ParentCommand
    private DialecticCli cli;

    @Spec
    private CommandSpec spec;

    @Option(names = "--follow", description = "Keep printing results as they arrive.")
    private boolean follow;

    @Option(names = "--from-beginning",
            description = "With --follow: start with the results already there (without --follow they always are).")
    private boolean fromBeginning;

    @Override
    public Integer call() {
        return cli.withClient(spec, client -> {
            PrintWriter out = spec.commandLine().getOut();
            AtomicInteger printed = new AtomicInteger();
            Consumer<SynthesisResult> print = result -> {
                out.println(ResultRenderer.render(result));
                out.flush();
                printed.incrementAndGet();
            };
            if (follow) {
                client.followResults(fromBeginning, print, () -> true);
            } else {
                client.readResults(print);
                if (printed.get() == 0) {
                    spec.commandLine().getErr().println("no results on " + client.topics().results().name() + " yet");
                }
            }
            return DialecticCli.OK;
        });
    }
}
