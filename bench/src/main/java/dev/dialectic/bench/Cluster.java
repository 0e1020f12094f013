package dev.dialectic.bench;

import dev.dialectic.localstack.LocalStack;
import dev.dialectic.localstack.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Kafka cluster and schema registry a run measures against: either given (nothing is started or stopped),
 * or a {@link LocalStack} this run starts in a temporary data directory on free ports and stops, deleting the
 * directory, when closed. The CPU of the cluster's processes is measured when they run on this machine: those of
 * a stack started here, or those named for a given cluster.
 */
final class Cluster implements AutoCloseable {

    private final String bootstrapServers;
    private final String registryUrl;
    private final Optional<LocalStack> stack;
    private final Optional<Path> dataDir;
    private final Map<String, ProcessHandle> processes;

    private Cluster(String bootstrapServers, String registryUrl, Optional<LocalStack> stack, Optional<Path> dataDir,
            Map<String, ProcessHandle> processes) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.stack = stack;
        this.dataDir = dataDir;
        this.processes = Map.copyOf(processes);
    }

    /**
     * A cluster somebody else runs.
     *
     * @param processes processes of it on this machine whose CPU to measure, by name (may be empty)
     */
    static Cluster external(String bootstrapServers, String registryUrl, Map<String, ProcessHandle> processes) {
        return new Cluster(bootstrapServers, registryUrl, Optional.empty(), Optional.empty(), processes);
    }

    /** Starts a local broker and registry under a new temporary directory; {@code progress} hears what happens. */
    static Cluster startLocal(Consumer<String> progress) {
        Path dir;
        try {
            dir = Files.createTempDirectory("dialectic-bench-stack");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the local stack", e);
        }
        try {
            LocalStack stack = LocalStack.start(new LocalStack.Options(dir, Ports.freePort(), Ports.freePort()), progress);
            Map<String, ProcessHandle> processes = new LinkedHashMap<>();
            ProcessHandle.of(stack.brokerPid()).ifPresent(p -> processes.put("broker", p));
            ProcessHandle.of(stack.registryPid()).ifPresent(p -> processes.put("registry", p));
            return new Cluster(stack.bootstrapServers(), stack.registryUrl(), Optional.of(stack), Optional.of(dir),
                    processes);
        } catch (RuntimeException e) {
            deleteRecursively(dir);
            throw e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String registryUrl() {
        return registryUrl;
    }

    /** Whether this run started the stack. */
    boolean local() {
        return stack.isPresent();
    }

    /**
     * The cluster's processes whose CPU is measured, by name: the broker and the registry of a stack this run
     * started, or those given for an external cluster.
     */
    Map<String, ProcessHandle> processes() {
        return processes;
    }

    /** One line for reports: what was measured against. */
    String describe() {
        return (local() ? "local stack started by the run (" : "given cluster (") + bootstrapServers + ", " + registryUrl
                + ")";
    }

    @Override
    public void close() {
        stack.ifPresent(LocalStack::stop);
        dataDir.ifPresent(Cluster::deleteRecursively);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Temporary files only: the operating system cleans up what is left.
        }
    }
}
