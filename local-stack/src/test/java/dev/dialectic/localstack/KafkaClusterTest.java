package dev.dialectic.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three broker processes as {@code ./dialectic stack start --brokers 3} runs them, and their settings. */
class KafkaClusterTest {

    @TempDir
    Path dir;

    @Test
    void threeNodesReplicateEveryTopicThriceAndKeepAcceptingWritesWhileOneIsKilled() throws Exception {
        try (KafkaCluster cluster = KafkaCluster.start(dir, distinctFreePorts(3))) {
            cluster.awaitReady(Duration.ofMinutes(2));
            try (Admin clusterAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.bootstrapServers()))) {
                assertThat(clusterAdmin.describeCluster().nodes().get()).hasSize(3);
                // Created without a replication factor or configs, as the service does by default.
                clusterAdmin.createTopics(List.of(new NewTopic("replicated", Optional.of(3), Optional.empty())))
                        .all().get();
                // The controller confirms a creation before every broker's metadata has the topic.
                TopicDescription topic = await().atMost(Duration.ofMinutes(1))
                        .ignoreExceptionsInstanceOf(ExecutionException.class)
                        .until(() -> clusterAdmin.describeTopics(Set.of("replicated")).allTopicNames().get()
                                .get("replicated"), description -> description != null);
                assertThat(topic.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                Config config = clusterAdmin.describeConfigs(Set.of(new ConfigResource(ConfigResource.Type.TOPIC,
                        "replicated"))).all().get().values().iterator().next();
                assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");

                int victim = topic.partitions().get(0).leader().id();
                cluster.kill(victim);
                assertThat(cluster.node(victim).isAlive()).isFalse();
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                    for (int partition = 0; partition < 3; partition++) {
                        producer.send(new ProducerRecord<>("replicated", partition, "key", "while a node is down")).get();
                    }
                }

                cluster.restart(victim, Duration.ofMinutes(1));
                cluster.awaitFullyReplicated(Duration.ofMinutes(1));
                TopicDescription healed = clusterAdmin.describeTopics(Set.of("replicated")).allTopicNames().get()
                        .get("replicated");
                assertThat(healed.partitions()).extracting(TopicPartitionInfo::isr)
                        .allSatisfy(isr -> assertThat(isr).hasSize(3));
            }
            assertThat(cluster.stop()).as("every node shut down by itself").isTrue();
        }
    }

    private static List<Integer> distinctFreePorts(int count) {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < count) {
            ports.add(Ports.freePort());
        }
        return List.copyOf(ports);
    }

    @Test
    void replicationFollowsTheClusterSize() {
        assertThat(KafkaCluster.settings(1)).isEqualTo(SingleNodeBrokerConfig.SETTINGS);
        assertThat(KafkaCluster.settings(3)).containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("share.coordinator.state.topic.replication.factor", "3")
                .containsEntry("share.coordinator.state.topic.min.isr", "2")
                .containsEntry("group.share.min.record.lock.duration.ms", "1000");
        assertThat(KafkaCluster.settings(5)).containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2");
        assertThat(KafkaCluster.settings(2)).containsEntry("default.replication.factor", "2")
                .containsEntry("min.insync.replicas", "1");
        assertThatThrownBy(() -> KafkaCluster.settings(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStackOfSeveralBrokersTakesConsecutivePortsThatMustNotHoldTheRegistry() {
        LocalStack.Options options = new LocalStack.Options(dir, 9092, 8081, 3);
        assertThat(options.kafkaPorts()).containsExactly(9092, 9093, 9094);
        assertThatThrownBy(() -> new LocalStack.Options(dir, 9092, 9093, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the registry port must not be one of the brokers' ports [9092, 9093, 9094]");
        assertThatThrownBy(() -> new LocalStack.Options(dir, 9092, 8081, 0))
                .hasMessage("--brokers must be between 1 and 9, not 0");
        assertThatThrownBy(() -> new LocalStack.Options(dir, 65_535, 8081, 3))
                .hasMessage("port 65537 is not between 1 and 65535");
    }
}
