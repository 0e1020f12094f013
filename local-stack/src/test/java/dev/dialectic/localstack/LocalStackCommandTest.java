package dev.dialectic.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LocalStackCommandTest {

    @TempDir
    Path dataDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = LocalStackCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(LocalStackCommand.withDefaultSubcommand(args));
    }

    @Test
    void aTakenKafkaPortIsOneClearLineAndAFailingExitCode() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            int exitCode = run("start", "--data-dir", dataDir.toString(), "--kafka-port", Integer.toString(port),
                    "--registry-port", Integer.toString(LocalStackTest.freePortOtherThan(port)));

            assertThat(exitCode).isNotZero();
            assertThat(err.toString()).isEqualTo("dialectic stack: port " + port
                    + " is already in use; pass --kafka-port or stop what uses it" + System.lineSeparator());
            assertThat(dataDir.resolve(LocalStack.PROPERTIES_FILE)).doesNotExist();
        }
    }

    @Test
    void aTakenRegistryPortNamesItsOwnOption() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            // Without a subcommand the command starts the stack.
            int exitCode = run("--data-dir", dataDir.toString(), "--kafka-port",
                    Integer.toString(LocalStackTest.freePortOtherThan(port)), "--registry-port", Integer.toString(port));

            assertThat(exitCode).isNotZero();
            assertThat(err.toString()).isEqualTo("dialectic stack: port " + port
                    + " is already in use; pass --registry-port or stop what uses it" + System.lineSeparator());
        }
    }

    @Test
    void stopAndStatusSayWhenNoStackRuns() {
        assertThat(run("stop", "--data-dir", dataDir.toString())).isZero();
        assertThat(run("status", "--data-dir", dataDir.toString())).isEqualTo(1);

        assertThat(out.toString()).contains("No local stack is running on " + dataDir.toAbsolutePath().normalize());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anInvalidPortIsOneLineToo() {
        int exitCode = run("start", "--data-dir", dataDir.toString(), "--kafka-port", "70000");

        assertThat(exitCode).isNotZero();
        assertThat(err.toString()).isEqualTo("dialectic stack: port 70000 is not between 1 and 65535" + System.lineSeparator());
    }

    @Test
    void aBadBrokerCountIsOneLineToo() {
        int exitCode = run("start", "--data-dir", dataDir.toString(), "--brokers", "0");

        assertThat(exitCode).isNotZero();
        assertThat(err.toString()).isEqualTo("dialectic stack: --brokers must be between 1 and 9, not 0"
                + System.lineSeparator());
    }

    @Test
    void aTakenPortOfAFurtherBrokerIsOneLineToo() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            int registryPort;
            do {
                registryPort = Ports.freePort();
            } while (registryPort >= port - 1 && registryPort <= port + 1);

            // The second of three brokers would take the port in use.
            int exitCode = run("start", "--data-dir", dataDir.toString(), "--brokers", "3",
                    "--kafka-port", Integer.toString(port - 1), "--registry-port", Integer.toString(registryPort));

            assertThat(exitCode).isNotZero();
            // The port before it may happen to be in use as well; either way the line names the option to change.
            assertThat(err.toString()).matches("dialectic stack: port (" + (port - 1) + "|" + port
                    + ") is already in use; pass --kafka-port or stop what uses it" + System.lineSeparator());
            assertThat(dataDir.resolve(LocalStack.PROPERTIES_FILE)).doesNotExist();
        }
    }
}
