package dev.dialectic.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A JVM started by this one under {@link OrphanGuard}, with its stdout and stderr in one log file; stopped
 * with SIGTERM (the child's shutdown hooks run) and, after a grace period, SIGKILL.
 */
final class ChildJvm {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path logFile;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code java <jvmOptions> -cp <classPath> OrphanGuard <this pid> <mainClass> <args>}.
     *
     * @param name      what the child is, for messages ("Kafka broker")
     * @param classPath the child's class path; must contain {@link OrphanGuard}
     * @param logFile   receives the child's stdout and stderr
     * @param appendLog whether to keep what {@code logFile} holds (otherwise it is truncated first)
     */
    static ChildJvm start(String name, List<String> jvmOptions, List<Path> classPath, String mainClass,
                          List<String> args, Path logFile, boolean appendLog) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        command.add(OrphanGuard.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(appendLog ? ProcessBuilder.Redirect.appendTo(logFile.toFile())
                            : ProcessBuilder.Redirect.to(logFile.toFile()))
                    .start();
            // The child never reads stdin; closing our end gives it EOF instead of a pipe that never fills.
            process.getOutputStream().close();
            return new ChildJvm(name, process, logFile);
        } catch (IOException e) {
            throw new StackException("could not start the " + name + ": " + e.getMessage(), e);
        }
    }

    /** The class path of this JVM, entries made absolute so a child started elsewhere finds them too. */
    static List<Path> currentClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath())
                .toList();
    }

    /**
     * Writes the class file of {@link OrphanGuard} under {@code dir}, so a child whose class path must not
     * contain our libraries can still run it, and returns {@code dir} as a class path entry.
     */
    static Path orphanGuardClassDir(Path dir) {
        String resource = OrphanGuard.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(resource);
        try (InputStream in = OrphanGuard.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
            return dir.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target, e);
        }
    }

    /** The binary of the running JVM, so children run on the same JDK as their parent. */
    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    /**
     * Waits until {@code ready} answers true, checking between probes that the child still runs.
     *
     * @throws StackException if the child exits, the deadline passes or this thread is interrupted; the
     *                        message points at the log file
     */
    void awaitUntil(Instant deadline, BooleanSupplier ready) {
        while (true) {
            if (!process.isAlive()) {
                throw new StackException(name + " exited with code " + process.exitValue()
                        + " while starting; see " + logFile);
            }
            if (ready.getAsBoolean()) {
                return;
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative()) {
                throw new StackException(name + " did not answer in time; see " + logFile);
            }
            try {
                // Waiting on the process doubles as the pause between probes and notices an early exit.
                process.waitFor(Math.min(POLL_INTERVAL.toMillis(), Math.max(1, left.toMillis())),
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for the " + name, e);
            }
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGKILL and waits for the child to be gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StackException(name + " (pid " + process.pid() + ") is still alive " + KILL_WAIT.toSeconds()
                        + " s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for the killed " + name + " to exit", e);
        }
    }

    /** Sends SIGTERM (controlled shutdown) without waiting; see {@link #awaitStop}. */
    void requestStop() {
        process.destroy();
    }

    /**
     * Waits up to {@code grace} for the child to exit after {@link #requestStop}, then kills it.
     *
     * @return true if it stopped by itself within the grace period
     */
    boolean awaitStop(Duration grace) {
        boolean interrupted = false;
        boolean clean;
        try {
            clean = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
            clean = false;
        }
        if (!clean) {
            process.destroyForcibly();
            try {
                process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return clean;
    }
}
