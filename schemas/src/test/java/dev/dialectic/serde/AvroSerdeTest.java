package dev.dialectic.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskState;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  static Stream<SpecificRecord> everyType() {
    return Samples.everyType().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyType")
  <T extends SpecificRecord> void roundTripsEveryGeneratedType(T record) {
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) record.getClass();
    var serde = AvroSerde.specific(type, registry, false);

    T back = serde.deserializer().deserialize("topic", serde.serializer().serialize("topic", record));

    assertThat(back).isEqualTo(record).isNotSameAs(record);
    assertThat(registry.subjects()).containsExactly("topic-value");
  }

  @Test
  void aRecordThatFailsHalfWrittenLeavesNothingInTheNextOne() throws Exception {
    var serde = AvroSerde.specific(Task.class, registry, false);
    Task broken = Samples.task("half");
    broken.setGoal(null); // not nullable: the write fails after the task id went into the encoder's buffer
    Task next = Samples.task("next");

    assertThatThrownBy(() -> serde.serializer().serialize("topic", broken)).isInstanceOf(SerializationException.class);
    byte[] bytes = serde.serializer().serialize("topic", next);

    assertThat(serde.deserializer().deserialize("topic", bytes)).isEqualTo(next);
    assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(plainAvro(next));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyType")
  void writesTheConfluentWireFormatThatPlainAvroDecodes(SpecificRecord record) throws Exception {
    @SuppressWarnings({"unchecked", "rawtypes"})
    AvroSerde<SpecificRecord> serde = AvroSerde.specific((Class) record.getClass(), registry, false);

    byte[] bytes = serde.serialize("dialectic.anything", record);

    assertThat(bytes[0]).as("magic byte").isZero();
    Schema writer = registry.schemaById(schemaId(bytes));
    assertThat(writer).isEqualTo(record.getSchema());
    assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).as("Avro binary after the header")
        .isEqualTo(plainAvro(record));
    GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertThat(GenericData.get().validate(writer, decoded)).isTrue();
    for (Schema.Field field : writer.getFields()) {
      if (record.get(field.pos()) instanceof String text) {
        assertThat(decoded.get(field.name())).as(field.name()).hasToString(text);
      }
    }
  }

  @Test
  void keysAndValuesUseTheTopicNameStrategy() {
    var keys = AvroSerde.specific(Task.class, registry, true);
    var values = AvroSerde.specific(Task.class, registry, false);

    keys.serialize("dialectic.tasks", Samples.task("k"));
    values.serialize("dialectic.tasks", Samples.task("v"));

    assertThat(registry.subjects()).containsExactlyInAnyOrder("dialectic.tasks-key", "dialectic.tasks-value");
    assertThat(AvroSerde.subject("dialectic.tasks", true)).isEqualTo("dialectic.tasks-key");
  }

  @Test
  void nullIsATombstoneBothWays() {
    var serde = AvroSerde.specific(Task.class, registry, false);

    assertThat(serde.serialize("t", null)).isNull();
    assertThat(serde.deserialize("t", (byte[]) null)).isNull();
    assertThat(serde.deserialize("t", null, (ByteBuffer) null)).isNull();
    assertThat(registry.subjects()).isEmpty();
  }

  @Test
  void decodesFromASliceOfALargerBufferWithoutCopying() {
    var serde = AvroSerde.specific(Task.class, registry, false);
    byte[] bytes = serde.serialize("t", Samples.task("sliced"));
    byte[] padded = new byte[bytes.length + 20];
    System.arraycopy(bytes, 0, padded, 7, bytes.length);

    Task task = serde.deserialize("t", null, ByteBuffer.wrap(padded, 7, bytes.length).slice());

    assertThat(task.getTaskId()).isEqualTo("sliced");
  }

  @Test
  void bytesNotInWireFormatAreASerializationExceptionWithAOneLineReason() {
    var serde = AvroSerde.specific(Task.class, registry, false);
    byte[] good = serde.serialize("dialectic.tasks", Samples.task("t"));
    byte[] wrongMagic = good.clone();
    wrongMagic[0] = 7;
    byte[] unknownId = good.clone();
    unknownId[4] = 99;
    byte[] truncated = Arrays.copyOf(good, good.length - 10);

    assertThatThrownBy(() -> serde.deserialize("dialectic.tasks", wrongMagic))
        .isInstanceOf(SerializationException.class)
        .hasMessage("Record value on topic 'dialectic.tasks' starts with byte 0x07, not the schema-registry"
            + " magic byte 0x00");
    assertThatThrownBy(() -> serde.deserialize("dialectic.tasks", new byte[] {0, 0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessage("Record value on topic 'dialectic.tasks' is 3 bytes long, too short for the"
            + " schema-registry wire format (at least 5)");
    assertThatThrownBy(() -> serde.deserialize("dialectic.tasks", unknownId))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Record value on topic 'dialectic.tasks' names schema id 99, which the"
            + " registry does not give: Schema registry has no schema with id 99 (HTTP 404, error 40403)")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> serde.deserialize("dialectic.tasks", truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Record value on topic 'dialectic.tasks' with schema id 1 cannot be decoded: ")
        .hasMessageNotContaining("\n");
    assertThat(serde.deserialize("dialectic.tasks", good).getTaskId()).as("good records still decode")
        .isEqualTo("t");
  }

  @Test
  void aSchemaTheReaderCannotResolveIsRefusedWithTheReason() {
    Schema unrelated = SchemaBuilder.record("Task").namespace("dev.dialectic.schema").fields()
        .requiredInt("count").endRecord();
    GenericRecord record = new GenericData.Record(unrelated);
    record.put("count", 3);
    byte[] bytes = AvroSerde.generic(new InMemorySchemaRegistry(CompatibilityLevel.NONE), false)
        .serialize("t", record);
    var isolated = new InMemorySchemaRegistry(CompatibilityLevel.NONE);
    isolated.register("t-value", unrelated);

    assertThatThrownBy(() -> AvroSerde.specific(Task.class, isolated, false).deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessage("Record value on topic 't' was written with schema id 1, which dev.dialectic.schema.Task"
            + " cannot read: READER_FIELD_MISSING_DEFAULT_VALUE 'taskId' at /fields/0");
  }

  @Test
  void anIncompatibleSchemaIsRefusedNamingTheSubject() {
    registry.register("dialectic.tasks-value", Task.getClassSchema());
    Schema breaking = SchemaBuilder.record("Task").namespace("dev.dialectic.schema").fields()
        .requiredString("taskId").requiredString("priority").endRecord();
    GenericRecord record = new GenericData.Record(breaking);
    record.put("taskId", "t");
    record.put("priority", "high");

    assertThatThrownBy(() -> AvroSerde.generic(registry, false).serialize("dialectic.tasks", record))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Cannot serialize value for topic 'dialectic.tasks': Schema registry refused"
            + " schema for subject 'dialectic.tasks-value' (HTTP 409, error 409)")
        .hasMessageContaining("'priority'")
        .hasCauseInstanceOf(SchemaRegistryException.class);
  }

  @Test
  void withoutAutoRegisterOnlyRegisteredSchemasAreWritten() {
    var serde = AvroSerde.specific(PersonaRequest.class, registry, false).withAutoRegister(false);

    assertThatThrownBy(() -> serde.serialize("dialectic.persona.thesis", Samples.personaRequest()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("subject 'dialectic.persona.thesis-value'")
        .hasMessageEndingWith("(auto.register.schemas is false: register the schema first)");
    assertThat(registry.subjects()).isEmpty();

    int id = registry.register("dialectic.persona.thesis-value", PersonaRequest.getClassSchema());
    byte[] bytes = serde.serialize("dialectic.persona.thesis", Samples.personaRequest());

    assertThat(schemaId(bytes)).isEqualTo(id);
    assertThat(serde.deserialize("dialectic.persona.thesis", bytes)).isEqualTo(Samples.personaRequest());
  }

  @Test
  void genericSerdeReadsTheWritersSchemaAndWritesForSpecificReaders() {
    var generic = AvroSerde.generic(registry, false);
    var specific = AvroSerde.specific(TaskState.class, registry, false);

    GenericRecord state = generic.deserialize("store", specific.serialize("store", Samples.taskState()));
    TaskState back = specific.deserialize("store", generic.serialize("store", state));

    assertThat(state.getSchema()).isEqualTo(TaskState.getClassSchema());
    assertThat(((GenericRecord) state.get("task")).get("submittedAt")).as("generic timestamps are epoch millis")
        .isEqualTo(Samples.T0.toEpochMilli());
    assertThat(back).isEqualTo(Samples.taskState());
  }

  @Test
  void aWriterNamedReaderReadsTheGeneratedClassTheSchemaNames() {
    var serde = new AvroSerde<SpecificRecord>(new AvroCodec<>(registry, false, false, true, true, null));

    SpecificRecord read = serde.deserialize("any", serde.serialize("any", Samples.control()));

    assertThat(read).isEqualTo(Samples.control());
  }

  @Test
  void isUsableOnlyOnceConfiguredAndSaysHowItIsBuilt() {
    var unconfigured = new AvroSerde<Task>();

    assertThatThrownBy(() -> unconfigured.serialize("t", Samples.task("x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("before configure()");
    assertThat(AvroSerde.specific(Task.class, registry, true).toString())
        .isEqualTo("AvroSerde[dev.dialectic.schema.Task, key, auto-register, " + registry + "]");
  }

  static int schemaId(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }

  private static byte[] plainAvro(SpecificRecord record) throws Exception {
    var out = new ByteArrayOutputStream();
    var encoder = EncoderFactory.get().binaryEncoder(out, null);
    // By class: the generated class's own SpecificData, which writes without loading classes by name.
    @SuppressWarnings("unchecked")
    var type = (Class<SpecificRecord>) record.getClass();
    new SpecificDatumWriter<>(type).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
