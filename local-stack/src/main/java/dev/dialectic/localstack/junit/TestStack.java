package dev.dialectic.localstack.junit;

import org.apache.kafka.clients.admin.Admin;

/**
 * The broker and schema registry shared by all tests of one JVM (see {@link WithLocalStack}). Thread-safe.
 */
public interface TestStack {

    /** The broker's bootstrap servers, e.g. {@code localhost:40123}. */
    String bootstrapServers();

    /** The registry's Confluent-compatible base URL, e.g. {@code http://127.0.0.1:40124/apis/ccompat/v7}. */
    String registryUrl();

    /** An Admin client of the broker, shared: callers must not close it (closing it does nothing). */
    Admin admin();

    /**
     * Creates the topics with {@code partitions} partitions (and the broker's default replication) unless
     * they exist, and waits until every partition has a leader, so producers and consumers can use them at
     * once.
     *
     * @throws IllegalStateException if a topic exists with another partition count, or does not come up
     */
    void createTopics(int partitions, String... names);

    /**
     * {@code base} followed by a suffix unique to this call and this JVM run (e.g. {@code tasks-k3x9q2-7}),
     * for topics, group ids and subjects that isolate a test from the others sharing the broker and registry,
     * including earlier runs against a long-lived broker. Only characters legal in topic names are added.
     */
    String uniqueName(String base);

    /** Whether the broker is a Testcontainers container (Docker was available) rather than in this JVM. */
    boolean containerized();
}
