package dev.dialectic.localstack;

import java.util.Map;

/**
 * Broker settings shared by every single-node broker of this module (the {@code local-stack} broker process,
 * the test broker and the test container), so they all behave alike.
 */
public final class SingleNodeBrokerConfig {

    /**
     * How long the broker waits before retrying to add a partition to a transaction whose previous commit is
     * still writing its markers (KAFKA-18654). The default, 20 ms, delays the first request of most orchestrator
     * transactions when commits follow each other every 30 ms; 5 ms is retried sooner at little cost.
     */
    public static final int ADD_PARTITIONS_TO_TXN_RETRY_BACKOFF_MS = 5;
    /** The lowest {@code share.record.lock.duration.ms} a share group may set on these brokers. */
    public static final int MIN_SHARE_RECORD_LOCK_DURATION_MS = 1000;

    /**
     * Replication and in-sync minimums of the internal topics lowered to one broker (the defaults of three
     * leave transactions, consumer offsets and share groups unavailable); few partitions for those topics
     * so the broker creates them quickly; no initial rebalance delay, which would otherwise add 3 s to the
     * first rebalance of every new group; and the share-group lock-duration floor lowered from 15 s to
     * {@value #MIN_SHARE_RECORD_LOCK_DURATION_MS} ms (the least the group config accepts) so crash tests
     * can let a lock of a killed worker expire quickly.
     */
    public static final Map<String, String> SETTINGS = Map.ofEntries(
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "4"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "4"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.num.partitions", "4"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("group.streams.initial.rebalance.delay.ms", "0"),
            Map.entry("group.share.min.record.lock.duration.ms",
                    Integer.toString(MIN_SHARE_RECORD_LOCK_DURATION_MS)),
            Map.entry("add.partitions.to.txn.retry.backoff.ms",
                    Integer.toString(ADD_PARTITIONS_TO_TXN_RETRY_BACKOFF_MS)));

    private SingleNodeBrokerConfig() {
    }
}
