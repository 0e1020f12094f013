package dev.dialectic.localstack;

import dev.dialectic.localstack.KafkaBrokerProcess.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * A local Kafka cluster of one or more {@link KafkaBrokerProcess} nodes (KRaft, every node a combined broker and
 * controller, so the controller quorum is all of them), on {@code localhost} ports of the caller's choice.
 *
 * <p>A cluster of one node keeps its files directly in the directory given to {@link #start}; a larger one puts
 * node {@code n} in {@code node-<n>/} below it. With three or more nodes every topic is replicated
 * {@value #REPLICATION_FACTOR} times and writes need {@value #MIN_IN_SYNC_REPLICAS} in-sync replicas: the internal
 * topics (consumer offsets, transactions, share-group state) and, as the broker default, every topic created
 * without its own settings; so a cluster of three keeps serving, and loses nothing, while any one node is down.
 *
 * <p>Nodes can be killed, stopped and restarted one at a time, as a crash or a rolling restart would; a restarted
 * node keeps its ports and data. Thread-safe.
 */
public final class KafkaCluster implements AutoCloseable {

    /** Replicas of every topic of a cluster of three or more nodes. */
    public static final int REPLICATION_FACTOR = 3;
    /** In-sync replicas a write needs on a cluster of three or more nodes. */
    public static final int MIN_IN_SYNC_REPLICAS = 2;

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final Path dir;
    private final List<Node> nodes;
    private final String clusterId;
    private final KafkaBrokerProcess[] processes;

    private KafkaCluster(Path dir, List<Node> nodes, String clusterId) {
        this.dir = dir;
        this.nodes = List.copyOf(nodes);
        this.clusterId = clusterId;
        this.processes = new KafkaBrokerProcess[nodes.size()];
    }

    /**
     * Starts one node per port; returns without waiting for them to answer (see {@link #awaitReady}). Starting
     * again on the same directory with as many ports keeps the topics and their records.
     *
     * @param dir   where the nodes keep their configuration, logs and data; created if missing
     * @param ports the client port of each node on 127.0.0.1, which must be free; node ids count from 1 in this
     *              order, and each node takes a free controller port
     * @throws StackException if a node cannot be started (those already started are stopped again)
     */
    public static KafkaCluster start(Path dir, List<Integer> ports) {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one node");
        }
        Set<Integer> taken = new HashSet<>(ports);
        if (taken.size() != ports.size()) {
            throw new IllegalArgumentException("the nodes' ports must differ: " + ports);
        }
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            int controllerPort;
            do {
                // Two calls may hand out the same port when nothing binds it in between.
                controllerPort = Ports.freePort();
            } while (!taken.add(controllerPort));
            nodes.add(new Node(i + 1, ports.get(i), controllerPort));
        }
        Path home = dir.toAbsolutePath().normalize();
        List<Path> nodeDirs = nodes.stream().map(node -> nodeDir(home, nodes.size(), node.id())).toList();
        KafkaCluster cluster = new KafkaCluster(home, nodes, KafkaBrokerProcess.clusterId(nodeDirs));
        try {
            for (Node node : nodes) {
                cluster.startNode(node, false);
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.stop();
            throw e;
        }
    }

    /**
     * Broker settings of a cluster of {@code size} nodes: {@link SingleNodeBrokerConfig#SETTINGS} for one node;
     * for more, replication of every internal topic and of new topics by default at {@value #REPLICATION_FACTOR}
     * (or {@code size}, if smaller), and {@value #MIN_IN_SYNC_REPLICAS} in-sync replicas (one fewer than the
     * replicas, at least one).
     */
    public static Map<String, String> settings(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, not " + size);
        }
        if (size == 1) {
            return SingleNodeBrokerConfig.SETTINGS;
        }
        String replicas = Integer.toString(Math.min(size, REPLICATION_FACTOR));
        String minInSync = Integer.toString(Math.max(1, Math.min(size, REPLICATION_FACTOR) - 1));
        Map<String, String> settings = new HashMap<>(SingleNodeBrokerConfig.SETTINGS);
        settings.put("default.replication.factor", replicas);
        settings.put("min.insync.replicas", minInSync);
        settings.put("offsets.topic.replication.factor", replicas);
        settings.put("transaction.state.log.replication.factor", replicas);
        settings.put("transaction.state.log.min.isr", minInSync);
        settings.put("share.coordinator.state.topic.replication.factor", replicas);
        settings.put("share.coordinator.state.topic.min.isr", minInSync);
        return Map.copyOf(settings);
    }

    private static Path nodeDir(Path dir, int size, int id) {
        return size == 1 ? dir : dir.resolve("node-" + id);
    }

    private synchronized void startNode(Node node, boolean restart) {
        processes[node.id() - 1] = KafkaBrokerProcess.start(nodeDir(dir, nodes.size(), node.id()), node, nodes,
                settings(nodes.size()), clusterId, restart);
    }

    /**
     * Waits until every node answers and the cluster knows all of them.
     *
     * @throws StackException if a node exits or the cluster is not whole within {@code timeout}; names the log
     */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (KafkaBrokerProcess node : processes()) {
            node.awaitReady(Duration.between(Instant.now(), deadline));
        }
        try (Admin admin = admin()) {
            awaitUntil(deadline, () -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == nodes.size(),
                    () -> "not every node of the cluster registered in time; see " + logFiles());
        }
    }

    /**
     * Waits until every node is up and every replica of every partition (internal topics included) is in sync:
     * the point at which a rolling restart may take down the next node.
     *
     * @throws StackException if that is not so within {@code timeout}; names a partition still catching up
     */
    public void awaitFullyReplicated(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<String> lagging = new ArrayList<>();
        try (Admin admin = admin()) {
            awaitUntil(deadline, () -> {
                lagging.clear();
                if (admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() != nodes.size()) {
                    lagging.add("a node that has not registered");
                    return false;
                }
                Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                        .get(10, TimeUnit.SECONDS);
                Collection<TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                        .get(10, TimeUnit.SECONDS).values();
                for (TopicDescription topic : described) {
                    for (TopicPartitionInfo partition : topic.partitions()) {
                        if (partition.leader() == null || partition.isr().size() < partition.replicas().size()) {
                            lagging.add(topic.name() + "-" + partition.partition());
                        }
                    }
                }
                return lagging.isEmpty();
            }, () -> "the cluster is not fully replicated after " + timeout.toSeconds() + " s: " + lagging.size()
                    + " partitions are not, e.g. " + lagging.stream().limit(3).toList());
        }
    }

    /** {@code localhost:<port>} of every node, comma separated. */
    public String bootstrapServers() {
        return nodes.stream().map(node -> "localhost:" + node.port()).collect(Collectors.joining(","));
    }

    /** How many nodes the cluster has. */
    public int size() {
        return nodes.size();
    }

    /** The process of node {@code id} (counted from 1) as it runs now; a restart replaces it. */
    public synchronized KafkaBrokerProcess node(int id) {
        return processes[index(id)];
    }

    /** Every node's current process, in the order of their ids; null for a node not started yet. */
    public synchronized List<KafkaBrokerProcess> processes() {
        return Arrays.asList(processes.clone());
    }

    /** Kills node {@code id} with SIGKILL, as a crash would, and waits until it is gone. */
    public void kill(int id) {
        node(id).kill();
    }

    /**
     * Stops node {@code id} in a controlled way (SIGTERM: its partitions move to other nodes first), as a rolling
     * restart does.
     *
     * @return true if it shut down by itself within {@link KafkaBrokerProcess#STOP_GRACE}
     */
    public boolean stop(int id) {
        return node(id).stop();
    }

    /**
     * Starts node {@code id} again, stopped or killed before, on its ports and data, and waits until it answers.
     * Its output is appended to its log. It may still be catching up afterwards: see {@link #awaitFullyReplicated}.
     *
     * @throws IllegalStateException if the node still runs
     */
    public void restart(int id, Duration timeout) {
        if (node(id).isAlive()) {
            throw new IllegalStateException("node " + id + " is still running");
        }
        startNode(nodes.get(index(id)), true);
        node(id).awaitReady(timeout);
    }

    /**
     * Stops every node that still runs: all get SIGTERM at once, then each gets SIGKILL if it has not exited
     * after {@link KafkaBrokerProcess#STOP_GRACE}. Calling it again does nothing more.
     *
     * @return true if every node shut down by itself
     */
    public boolean stop() {
        List<KafkaBrokerProcess> running = running();
        running.forEach(KafkaBrokerProcess::requestStop);
        boolean clean = true;
        for (KafkaBrokerProcess process : running) {
            clean &= process.stop();
        }
        return clean;
    }

    /** Asks every node that still runs to shut down (SIGTERM) without waiting; {@link #stop()} then waits. */
    public void requestStop() {
        running().forEach(KafkaBrokerProcess::requestStop);
    }

    private List<KafkaBrokerProcess> running() {
        return processes().stream().filter(process -> process != null && process.isAlive()).toList();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Every node's log file, as they are listed in messages. */
    public List<Path> logFiles() {
        return IntStream.rangeClosed(1, nodes.size())
                .mapToObj(id -> nodeDir(dir, nodes.size(), id).resolve("broker.log")).toList();
    }

    private int index(int id) {
        if (id < 1 || id > nodes.size()) {
            throw new IllegalArgumentException("no node " + id + " in a cluster of " + nodes.size());
        }
        return id - 1;
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** A check that may fail while the cluster settles; a failure counts as "not yet". */
    @FunctionalInterface
    private interface Probe {
        boolean holds() throws Exception;
    }

    private static void awaitUntil(Instant deadline, Probe probe, Supplier<String> failure) {
        while (true) {
            try {
                if (probe.holds()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // A node restarting or a leader moving: ask again.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for the Kafka cluster", e);
            } catch (Exception e) {
                throw new StackException("could not probe the Kafka cluster: " + e.getMessage(), e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new StackException(failure.get());
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for the Kafka cluster", e);
            }
        }
    }
}
