package dev.dialectic.producers.cli;

import dev.dialectic.canary.CanaryState;
import dev.dialectic.canary.ControlRules;
import dev.dialectic.canary.ControlSettings;
import dev.dialectic.canary.Figures;
import dev.dialectic.canary.LedgerWindow;
import dev.dialectic.canary.Ramp;
import dev.dialectic.canary.RollbackRule;
import dev.dialectic.canary.Setting;
import dev.dialectic.producers.CanaryClient;
import dev.dialectic.producers.DialecticClient;
import dev.dialectic.text.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dialectic cli canary}: the canary's live settings on {@code control} — what is in force and what it
 * really means for the partitions of {@code tasks}, who set it and why, the canary's figures next to baseline's —
 * and the commands that change them. Every change is checked with the service's own {@link ControlRules} before it
 * is written (the service checks the variant against its spec, and puts what it cannot apply in the dlq).
 */
@Command(name = "canary",
        subcommands = {CanaryCommand.Status.class, CanaryCommand.Set.class, CanaryCommand.Start.class,
            CanaryCommand.Promote.class, CanaryCommand.Rollback.class, CanaryCommand.History.class},
        description = {"Canary releases by partition of tasks: status, set, start, promote, rollback, history."})
final class CanaryCommand implements Callable<Integer> {

    @ParentCommand
    private DialecticCli cli;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return DialecticCli.BAD_INPUT;
    }

    /** Options every change takes: who makes it and why. */
    static final class Author {

        @Option(names = "--by", paramLabel = "NAME", defaultValue = "${sys:user.name}",
                description = "Who makes the change (default: the user name).")
        String by;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, kept with the setting.")
        String reason;
    }

    /** Runs {@code work} with the canary's client, and the settings in force as the rules read them. */
    private int withState(CommandSpec command, StateWork work) {
        return cli.withClient(command, client -> {
            CanaryClient canary = new CanaryClient(client);
            int partitions = canary.taskPartitions();
            ControlRules rules = new ControlRules(null, partitions);
            CanaryState state = CanaryState.INITIAL;
            List<CanaryClient.ControlEntry> history = canary.controlHistory();
            for (CanaryClient.ControlEntry entry : history) {
                if (entry.undecodable() == null) {
                    state = rules.apply(state, entry.key(), entry.setting()).state();
                }
            }
            return work.run(client, canary, rules, state, history, command.commandLine().getOut());
        });
    }

    @FunctionalInterface
    private interface StateWork {
        int run(DialecticClient client, CanaryClient canary, ControlRules rules, CanaryState state,
                List<CanaryClient.ControlEntry> history, PrintWriter out) throws IOException;
    }

    /** Checks {@code settings} with the rules and writes them, or refuses them all with the first problem. */
    private static void write(CanaryClient canary, ControlRules rules, List<Setting> settings) {
        for (Setting setting : settings) {
            rules.problem(setting.name(), setting).ifPresent(problem -> {
                throw new BadInputException(problem);
            });
        }
        canary.write(settings);
    }

    private int change(CommandSpec command, Author author, ChangeWork changes) {
        return withState(command, (client, canary, rules, state, history, out) -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as control records keep it
            List<Setting> settings = changes.settings(state, now, author);
            write(canary, rules, settings);
            CanaryState after = state;
            for (Setting setting : settings) {
                after = rules.apply(after, setting.name(), setting).state();
                out.println("set " + setting.describe());
            }
            out.println(after.describe(rules.partitionCount()));
            out.flush();
            return DialecticCli.OK;
        });
    }

    @FunctionalInterface
    private interface ChangeWork {
        List<Setting> settings(CanaryState state, Instant now, Author author);
    }

    private static Setting setting(String name, String value, Instant now, Author author) {
        return new Setting(name, value, now, author.by, author.reason);
    }

    @Command(name = "status", description = {"The settings in force, who set them and why, what share of tasks that"
            + " really is, and the canary's figures next to baseline's over the window (from the ledger)."})
    static final class Status implements Callable<Integer> {

        @ParentCommand
        private CanaryCommand canary;

        @Spec
        private CommandSpec spec;

        @Option(names = "--window", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How far back finished tasks count (default: the service's default canary.window.ms,"
                        + " 10m).")
        private Duration window = RollbackRule.DEFAULT_WINDOW;

        @Override
        public Integer call() {
            return canary.withState(spec, (client, kafka, rules, state, history, out) -> {
                out.println(state.describe(rules.partitionCount()));
                for (Setting setting : state.settings()) {
                    out.println("  " + setting.describe());
                }
                Instant now = Instant.now();
                LedgerWindow ledger = new LedgerWindow(window);
                Instant since = state.startedAt().orElse(null);
                kafka.ledgerSince(ledger.start(now), ledger::add);
                Figures baseline = ledger.figures(ControlSettings.BASELINE, since, now);
                out.println("tasks finished in the last " + Durations.format(window)
                        + (since == null ? "" : " since the canary started at " + since) + ":");
                state.variant().ifPresent(variant -> out.println("  " + pad(variant) + " "
                        + ledger.figures(variant, since, now).describe()));
                out.println("  " + pad(ControlSettings.BASELINE) + " " + baseline.describe());
                out.flush();
                return DialecticCli.OK;
            });
        }

        private static String pad(String name) {
            return String.format("%-10s", name);
        }
    }

    @Command(name = "set", description = {"Sets the canary's share of tasks: a percent (the lowest ⌈partitions ×"
            + " percent / 100⌉ partitions of tasks), or with --partitions the partitions named. The newer of the two"
            + " is in force."})
    static final class Set implements Callable<Integer> {

        @ParentCommand
        private CanaryCommand canary;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "PERCENT|PARTITIONS",
                description = "A percent from 0 to 100 (e.g. 25), or with --partitions partitions (e.g. 0,7,13).")
        private String value;

        @Option(names = "--partitions", description = "The value names partitions of tasks instead of a percent.")
        private boolean partitions;

        @Mixin
        private Author author = new Author();

        @Override
        public Integer call() {
            String name = partitions ? ControlSettings.PARTITIONS : ControlSettings.PERCENT;
            String given = partitions ? value.strip() : value.strip().replaceAll("%$", "");
            return canary.change(spec, author, (state, now, by) -> List.of(setting(name, given, now, by)));
        }
    }

    @Command(name = "start", description = {"Starts a canary of a release variant of the spec: its tasks are counted"
            + " from now. With --steps and --hold the decision-maker advances one step per hold while the canary is"
            + " healthy, and rolls it back when it is not."})
    static final class Start implements Callable<Integer> {

        @ParentCommand
        private CanaryCommand canary;

        @Spec
        private CommandSpec spec;

        @Option(names = "--variant", required = true, paramLabel = "NAME", description = "A release of the spec.")
        private String variant;

        @Option(names = "--steps", paramLabel = "PERCENTS", description = "A ramp's percents, e.g. 5,25,50,100.")
        private String steps;

        @Option(names = "--hold", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long each step of the ramp is held and watched (with --steps).")
        private Duration hold;

        @Option(names = "--percent", paramLabel = "PERCENT",
                description = "The share to start with (default: the ramp's first step, else 5).")
        private String percent;

        @Mixin
        private Author author = new Author();

        @Override
        public Integer call() {
            if ((steps == null) != (hold == null)) {
                throw new ParameterException(spec.commandLine(),
                        "--steps and --hold go together (e.g. --steps 5,25,50,100 --hold 10m)");
            }
            return canary.change(spec, author, (state, now, by) -> {
                Optional<Ramp> ramp;
                try {
                    ramp = steps == null ? Optional.empty() : Optional.of(new Ramp(Ramp.steps(steps), hold));
                } catch (IllegalArgumentException e) {
                    throw new BadInputException("--steps: " + e.getMessage());
                }
                String first = percent != null ? percent.strip()
                        : ramp.map(r -> r.first().toPlainString()).orElse(DEFAULT_START_PERCENT.toPlainString());
                List<Setting> settings = new ArrayList<>();
                settings.add(setting(ControlSettings.VARIANT, variant.strip(), now, by));
                settings.add(setting(ControlSettings.RAMP, ramp.map(Ramp::toString).orElse(""), now, by));
                settings.add(setting(ControlSettings.PERCENT, first, now, by));
                return settings;
            });
        }
    }

    /** The share a canary started without a ramp or a percent gets: the first step of the seeds' ramp. */
    static final BigDecimal DEFAULT_START_PERCENT = BigDecimal.valueOf(5);

    @Command(name = "promote", description = {"Sends every task to the canary variant (100%) and ends any ramp. To"
            + " make it the baseline for good, fold the release into the spec and deploy it."})
    static final class Promote implements Callable<Integer> {

        @ParentCommand
        private CanaryCommand canary;

        @Spec
        private CommandSpec spec;

        @Mixin
        private Author author = new Author();

        @Override
        public Integer call() {
            return canary.change(spec, author, (state, now, by) -> {
                if (state.variant().isEmpty()) {
                    throw new BadInputException("no canary to promote: start one with canary start --variant NAME");
                }
                return List.of(setting(ControlSettings.RAMP, "", now, by),
                        setting(ControlSettings.PERCENT, "100", now, by));
            });
        }
    }

    @Command(name = "rollback", description = {"Sends every new task to baseline (0%) and ends any ramp; tasks already"
            + " running finish on their variant."})
    static final class Rollback implements Callable<Integer> {

        @ParentCommand
        private CanaryCommand canary;

        @Spec
        private CommandSpec spec;

        @Mixin
        private Author author = new Author();

        @Override
        public Integer call() {
            return canary.change(spec, author, (state, now, by) -> List.of(setting(ControlSettings.RAMP, "", now, by),
                    setting(ControlSettings.PERCENT, "0", now, by)));
        }
    }

    @Command(name = "history", description = {"Every record on control, oldest first: when, what, who and why (the"
            + " compacted topic keeps at least the newest of each setting); records the service refuses are marked."})
    static final class History implements Callable<Integer> {

        @ParentCommand
        private CanaryCommand canary;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            return canary.withState(spec, (client, kafka, rules, state, history, out) -> {
                if (history.isEmpty()) {
                    out.println("no control records on " + client.topics().control().name());
                }
                for (CanaryClient.ControlEntry entry : history) {
                    String line;
                    if (entry.undecodable() != null) {
                        line = "(undecodable, refused: " + entry.undecodable() + ")";
                    } else if (entry.setting() == null) {
                        line = entry.key() + " removed (tombstone)";
                    } else {
                        line = entry.setting().describe() + rules.problem(entry.key(), entry.setting())
                                .map(problem -> "  [refused: " + problem + "]").orElse("");
                    }
                    out.println("#" + entry.offset() + " " + line);
                }
                out.flush();
                return DialecticCli.OK;
            });
        }
    }
}
