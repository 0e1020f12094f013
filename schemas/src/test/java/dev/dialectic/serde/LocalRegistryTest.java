package dev.dialectic.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.Task;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The REST client and the serde against the real schema registry of the local stack (Apicurio's
 * Confluent-compatible API): the same calls a Confluent registry answers.
 */
@WithLocalStack
class LocalRegistryTest {

  private static final Schema NOTE_V1 = SchemaBuilder.record("Note").namespace("test.dialectic").fields()
      .requiredString("text").endRecord();
  private static final Schema NOTE_V2_WITHOUT_DEFAULT = SchemaBuilder.record("Note").namespace("test.dialectic")
      .fields().requiredString("text").requiredInt("pages").endRecord();

  @Test
  void theRestClientRegistersAndLooksUpSchemas(TestStack stack) {
    String subject = stack.uniqueName("notes") + "-value";
    try (var client = client(stack); var coldClient = client(stack)) {

      int id = client.register(subject, NOTE_V1);

      assertThat(client.register(subject, NOTE_V1)).isEqualTo(id);
      assertThat(coldClient.idOf(subject, NOTE_V1)).isEqualTo(id);
      assertThat(SchemaNormalization.toParsingForm(coldClient.schemaById(id)))
          .isEqualTo(SchemaNormalization.toParsingForm(NOTE_V1));
      assertThat(coldClient.subjects()).contains(subject);
      assertThatThrownBy(() -> coldClient.idOf(stack.uniqueName("nothing") + "-value", NOTE_V1))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.isNotFound()).isTrue();
            assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
          });
      assertThatThrownBy(() -> coldClient.schemaById(Integer.MAX_VALUE))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isTrue())
          .hasMessageStartingWith("Schema registry has no schema with id " + Integer.MAX_VALUE + " (HTTP 404");
    }
  }

  @Test
  void theRealRegistryRefusesAnIncompatibleSchemaNamingTheSubject(TestStack stack) {
    String subject = stack.uniqueName("notes") + "-value";
    try (var client = client(stack)) {
      assertThat(client.isCompatible(subject, NOTE_V1)).as("no subject yet").isTrue();
      client.setCompatibility(subject, "BACKWARD");
      client.register(subject, NOTE_V1);

      assertThat(client.isCompatible(subject, NOTE_V2_WITHOUT_DEFAULT)).isFalse();
      assertThatThrownBy(() -> client.register(subject, NOTE_V2_WITHOUT_DEFAULT))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.isUnavailable()).isFalse();
          })
          .hasMessageStartingWith("Schema registry refused schema for subject '" + subject + "' (HTTP 409")
          .hasMessageContaining("ncompatible");
      assertThatThrownBy(() -> client.setCompatibility(subject, "SOMETIMES"))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(422))
          .hasMessageContaining("'SOMETIMES'");
    }
  }

  @Test
  void aSerdeConfiguredByKafkaPropertiesWritesTheWireFormatThroughTheRealRegistry(TestStack stack) throws Exception {
    String topic = stack.uniqueName("dialectic.tasks");
    var serde = new AvroSerde<Task>();
    serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
        AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, Task.class), false);
    try (serde; var client = client(stack)) {

      byte[] bytes = serde.serialize(topic, Samples.task("t-real"));

      assertThat(bytes[0]).isZero();
      Schema writer = client.schemaById(AvroSerdeTest.schemaId(bytes));
      GenericRecord plain = new GenericDatumReader<GenericRecord>(writer)
          .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
      assertThat(plain.get("taskId")).hasToString("t-real");
      assertThat(serde.deserialize(topic, bytes)).isEqualTo(Samples.task("t-real"));
      assertThat(client.subjects()).contains(topic + "-value");

      client.setCompatibility(topic + "-value", "BACKWARD");
      Schema breaking = SchemaBuilder.record("Task").namespace("dev.dialectic.schema").fields()
          .requiredString("taskId").requiredString("priority").endRecord();
      GenericRecord record = new GenericData.Record(breaking);
      record.put("taskId", "t");
      record.put("priority", "high");
      assertThatThrownBy(() -> AvroSerde.generic(client, false).serialize(topic, record))
          .isInstanceOf(SerializationException.class)
          .hasMessageStartingWith("Cannot serialize value for topic '" + topic + "': Schema registry refused"
              + " schema for subject '" + topic + "-value' (HTTP 409");
    }
  }

  private static RestSchemaRegistryClient client(TestStack stack) {
    return RestSchemaRegistryClient.builder(stack.registryUrl()).build();
  }
}
