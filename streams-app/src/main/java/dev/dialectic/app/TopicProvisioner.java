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

/**
 * Creates the service's topics at start with their configured partitions, replication and configs, and checks
 * that existing topics the orchestrator joins are co-partitioned.
 */
final class TopicProvisioner {

    private static final long TIMEOUT_SECONDS = 60;

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
            Map<String, TopicDescription> described = admin.describeTopics(
                    coPartitioned.stream().map(Topic::name).toList()).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long counts = described.values().stream().mapToInt(d -> d.partitions().size()).distinct().count();
            if (counts > 1) {
                StringBuilder detail = new StringBuilder();
                described.forEach((name, d) -> detail.append(' ').append(name).append('=').append(d.partitions().size()));
                throw new IllegalStateException("topics joined by the orchestrator must have the same number of partitions,"
                        + " but they have:" + detail);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not create topics: the brokers did not answer within "
                    + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
