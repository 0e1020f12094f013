package dev.dialectic.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.Task;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;

/** The serde inside Kafka Streams: a source, a changelogged store and a sink, tombstones included. */
class AvroSerdeTopologyTest {

  @Test
  void aTopologyReadsTasksAndWritesPersonaRequestsAndState() {
    var registry = new InMemorySchemaRegistry();
    var tasks = AvroSerde.specific(Task.class, registry, false);
    var requests = AvroSerde.specific(PersonaRequest.class, registry, false);
    var builder = new StreamsBuilder();
    builder.stream("dialectic.tasks", Consumed.with(Serdes.String(), tasks))
        .toTable(Materialized.<String, Task>as(Stores.inMemoryKeyValueStore("tasks-by-id"))
            .withKeySerde(Serdes.String()).withValueSerde(tasks))
        .toStream()
        .mapValues(task -> task == null ? null : PersonaRequest.newBuilder()
            .setTaskId(task.getTaskId())
            .setStage("thesis")
            .setPersona("thesis")
            .setAttempt(1)
            .setGoal(task.getGoal())
            .setContext(task.getContext())
            .setInputs(List.of())
            .setVariant("baseline")
            .setRequestedAt(task.getSubmittedAt().plusMillis(1))
            .setDeadlineAt(null)
            .setAttributes(task.getAttributes())
            .build())
        .to("dialectic.persona.thesis", Produced.with(Serdes.String(), requests));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");

    try (var driver = new TopologyTestDriver(builder.build(), props)) {
      var in = driver.createInputTopic("dialectic.tasks", Serdes.String().serializer(), tasks.serializer());
      var out = driver.createOutputTopic("dialectic.persona.thesis", Serdes.String().deserializer(),
          requests.deserializer());

      KeyValueStore<String, ValueAndTimestamp<Task>> store = driver.getTimestampedKeyValueStore("tasks-by-id");

      in.pipeInput("t-1", Samples.task("t-1"));
      assertThat(store.get("t-1").value()).isEqualTo(Samples.task("t-1"));
      in.pipeInput("t-1", null);

      var request = out.readKeyValue();
      assertThat(request.key).isEqualTo("t-1");
      assertThat(request.value.getGoal()).isEqualTo(Samples.task("t-1").getGoal());
      assertThat(request.value.getRequestedAt()).isEqualTo(Samples.T0.plusMillis(1));
      assertThat(request.value.getAttributes()).containsEntry("team", "urbanism");
      var tombstone = out.readKeyValue();
      assertThat(tombstone.key).isEqualTo("t-1");
      assertThat(tombstone.value).isNull();
      assertThat(store.get("t-1")).isNull();
      assertThat(registry.subjects()).containsExactlyInAnyOrder("dialectic.tasks-value",
          "dialectic.persona.thesis-value", "serde-topology-test-tasks-by-id-changelog-value");
    }
  }
}
