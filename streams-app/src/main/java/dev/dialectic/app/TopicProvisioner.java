package dev.dialectic.app;

import dev.dialectic.topics.Topic;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the service's topics at start with their configured partitions, replication and configs, and checks
 * that existing topics the orchestrator joins are co-partitioned.
 */
final class TopicProvisioner {

    private static final long TIMEOUT_SECONDS = 60;
    private static final long METADATA_RETRY_MILLIS = 100;

    private TopicProvisioner() {}

    /**
     * Creates every topic of {@code topics} that does not exist yet.
     *
     * @throws IllegalStateException with a one-line reason if the broker refuses, or if {@code coPartitioned}
     *     topics that already exist have different partition counts
     */
    static void ensure(Admin admin, Collection<Topic<?, ?>> topics, Collection<Topic<?, ?>> coPartitioned) {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).map(Topic::newTopic).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) { // another instance was faster: fine
                        throw e;
                    }
                }
            }
            Map<String, TopicDescription> described = describeOnceVisible(admin,
                    coPartitioned.stream().map(Topic::name).toList());
            long counts = described.values().stream().mapToInt(d -> d.partitions().size()).distinct().count();
            if (counts > 1) {
                StringBuilder detail = new StringBuilder();
                described.forEach((name, d) -> detail.append(' ').append(name).append('=').append(d.partitions().size()));
                throw new IllegalStateException("topics joined by the orchestrator must have the same number of partitions,"
                        + " but they have:" + detail);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("could not create topics: the brokers still do not know them after "
                        + TIMEOUT_SECONDS + " s (" + e.getCause().getMessage() + ")", e.getCause());
            }
            throw new IllegalStateException("could not create topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not create topics: the brokers did not answer within "
                    + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Describes {@code names}, waiting for topics just created: the controller confirms a creation before every
     * broker's metadata has it, and until then the broker answers that it does not host the topic.
     */
    private static Map<String, TopicDescription> describeOnceVisible(Admin admin, List<String> names)
            throws ExecutionException, TimeoutException, InterruptedException {
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > giveUpAt) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(METADATA_RETRY_MILLIS);
            }
        }
    }
}
