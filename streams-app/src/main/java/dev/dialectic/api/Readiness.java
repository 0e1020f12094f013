package dev.dialectic.api;

import dev.dialectic.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@code /health/ready} checks: the orchestrator RUNNING with its task store queryable, every persona's
 * share group holding this process's consumers, the schema registry reachable, the live feed caught up. The
 * remote checks (share groups, registry) are cached for a few seconds, so frequent probes cost the cluster
 * little.
 */
public final class Readiness implements AutoCloseable {

    private static final Duration CACHE = Duration.ofSeconds(5);
    private static final long TIMEOUT_MS = 5_000;

    private final KafkaStreams streams;
    private final TaskQueries queries;
    private final Admin admin;
    private final Map<String, String> groupClientPrefixes;
    private final SchemaRegistryClient registry;
    private final LiveFeed feed;
    private long checkedAt = Long.MIN_VALUE; // guarded by this
    private boolean groupsJoined; // guarded by this
    private boolean registryReachable; // guarded by this

    /**
     * @param streams the orchestrator, or null when this process runs none
     * @param queries its task store queries, or null
     * @param admin an admin client for describing share groups (closed with this), or null when this process runs
     *     no workers
     * @param groupClientPrefixes per share group of this process's workers, the client id prefix of its consumers
     */
    public Readiness(KafkaStreams streams, TaskQueries queries, Admin admin, Map<String, String> groupClientPrefixes,
            SchemaRegistryClient registry, LiveFeed feed) {
        this.streams = streams;
        this.queries = queries;
        this.admin = admin;
        this.groupClientPrefixes = Map.copyOf(groupClientPrefixes);
        this.registry = registry;
        this.feed = feed;
    }

    /** Each check by name, true when it passes. */
    public Map<String, Boolean> checks() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        if (streams != null) {
            checks.put("orchestrator", streams.state() == KafkaStreams.State.RUNNING);
            checks.put("taskStore", checks.get("orchestrator") && queries.queryable());
        }
        refresh();
        synchronized (this) {
            if (admin != null) {
                checks.put("workers", groupsJoined);
            }
            checks.put("registry", registryReachable);
        }
        checks.put("liveFeed", feed.ready());
        return checks;
    }

    private synchronized void refresh() {
        long now = System.nanoTime();
        if (checkedAt != Long.MIN_VALUE && now - checkedAt < CACHE.toNanos()) {
            return;
        }
        checkedAt = now;
        try {
            registry.subjects();
            registryReachable = true;
        } catch (RuntimeException e) {
            registryReachable = false;
        }
        if (admin != null) {
            groupsJoined = joined();
        }
    }

    private boolean joined() {
        try {
            Map<String, ShareGroupDescription> groups = admin.describeShareGroups(groupClientPrefixes.keySet())
                    .all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            for (Map.Entry<String, String> group : groupClientPrefixes.entrySet()) {
                ShareGroupDescription description = groups.get(group.getKey());
                Collection<?> ours = description == null ? List.of() : description.members().stream()
                        .filter(member -> member.clientId().startsWith(group.getValue())).toList();
                if (ours.isEmpty()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Closes the admin client. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
