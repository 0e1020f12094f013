package dev.dialectic.api;

import dev.dialectic.orchestrator.OrchestratorTopology;
import dev.dialectic.schema.TaskState;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Looks tasks up in the orchestrator's {@value OrchestratorTopology#TASK_STORE} store through Kafka Streams'
 * interactive queries: here when this instance owns the task's partition, otherwise it names the instance that
 * does (its {@code application.server}), for the caller to forward to.
 */
public final class TaskQueries {

    /** Where a task's state lives: here (with the state, empty when unknown) or at another instance. */
    sealed interface Answer {
        /** This instance owns the task's partition. */
        record Local(Optional<TaskState> state) implements Answer {}

        /** Another instance does: ask it. */
        record Remote(HostInfo owner) implements Answer {}
    }

    private final KafkaStreams streams;
    private final HostInfo self;

    /** Queries of {@code streams}' store; {@code self} is this instance's {@code application.server}. */
    public TaskQueries(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    /**
     * Where {@code taskId}'s state is.
     *
     * @param localOnly answer from this instance's store even if another instance owns the key (a forwarded
     *     request must not be forwarded again)
     * @throws Problem.ProblemException a 503 while the orchestrator is not running or its partitions are moving
     */
    Answer find(String taskId, boolean localOnly) {
        if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
            throw Problem.unavailable("the orchestrator is " + streams.state() + "; try again shortly").exception();
        }
        KeyQueryMetadata owner = streams.queryMetadataForKey(OrchestratorTopology.TASK_STORE, taskId,
                Serdes.String().serializer());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw Problem.unavailable("the orchestrator's partitions are being assigned; try again shortly")
                    .exception();
        }
        if (!localOnly && !owner.activeHost().equals(self)) {
            return new Answer.Remote(owner.activeHost());
        }
        try {
            ReadOnlyKeyValueStore<String, TaskState> store = streams.store(StoreQueryParameters
                    .fromNameAndType(OrchestratorTopology.TASK_STORE,
                            QueryableStoreTypes.<String, TaskState>keyValueStore())
                    .withPartition(owner.partition()));
            return new Answer.Local(Optional.ofNullable(store.get(taskId)));
        } catch (InvalidStateStoreException e) {
            throw Problem.unavailable("the task store is not queryable now (" + e.getMessage() + "); try again shortly")
                    .exception();
        }
    }

    /** Whether the task store can be queried on this instance now. */
    boolean queryable() {
        try {
            streams.store(StoreQueryParameters.fromNameAndType(OrchestratorTopology.TASK_STORE,
                    QueryableStoreTypes.<String, TaskState>keyValueStore())).approximateNumEntries();
            return true;
        } catch (InvalidStateStoreException e) {
            return false;
        }
    }
}
