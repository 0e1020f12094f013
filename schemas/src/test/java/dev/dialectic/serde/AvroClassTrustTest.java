package dev.dialectic.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskState;
import dev.dialectic.schema.TaskStatus;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
import org.apache.kafka.common.errors.SerializationException;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * How Avro 1.12's class allow-list treats the generated classes, with and without a serde.
 *
 * <p>The JVM-wide trust test runs last: restoring Avro's validator afterwards does not empty the class caches
 * of the generated classes' own {@code SpecificData}, so trust once granted cannot be fully withdrawn.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AvroClassTrustTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry(CompatibilityLevel.NONE);
  private ClassSecurityPredicate globalBefore;

  @BeforeEach
  void rememberAvrosGlobalValidator() {
    globalBefore = ClassSecurityValidator.getGlobal();
  }

  @AfterEach
  void restoreAvrosGlobalValidator() {
    ClassSecurityValidator.setGlobal(globalBefore);
  }

  @Test
  void plainAvroRefusesTheGeneratedClassesOutOfTheBox() {
    byte[] bytes = AvroSerde.specific(Task.class, registry, false).serialize("t", Samples.task("t"));

    assertForbidden(() -> new SpecificDatumReader<>(Task.class).read(null,
        DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null)));
    assertForbidden(() -> Task.fromByteBuffer(Samples.task("t").toByteBuffer()));
    // Builders: filling the enum default of status, deep-copying a nested record.
    assertForbidden(() -> TaskLedger.newBuilder().setTaskId("t").setSubmittedAt(Samples.T0)
        .setAcceptedAt(Samples.T0).build());
    assertForbidden(() -> TaskState.newBuilder(Samples.taskState()));
  }

  @Test
  void theSerdeReadsGeneratedClassesWithoutTouchingAvrosGlobalState() {
    var serde = AvroSerde.specific(TaskLedger.class, registry, false);

    TaskLedger back = serde.deserialize("ledger", serde.serialize("ledger", Samples.taskLedger()));

    assertThat(back).isEqualTo(Samples.taskLedger());
    assertThat(ClassSecurityValidator.getGlobal()).isSameAs(globalBefore);
    assertThat(globalBefore.isTrusted(Task.class)).as("still untrusted JVM-wide").isFalse();
  }

  @Test
  void aWriterSchemaNamingAClassOutsideTheGeneratedPackageIsNotInstantiated() {
    // Deserialization gadgets are why Avro has an allow-list: a schema from outside names the class.
    Schema gadget = SchemaBuilder.record("ProcessBuilder").namespace("java.lang").fields()
        .requiredString("command").endRecord();
    GenericRecord record = new GenericData.Record(gadget);
    record.put("command", "rm -rf /");
    byte[] bytes = AvroSerde.generic(registry, false).serialize("t", record);
    var writerNamed = new AvroSerde<SpecificRecord>(new AvroCodec<>(registry, false, false, true, true, null));

    assertThatThrownBy(() -> writerNamed.deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Record value on topic 't' has schema id 1 naming a class Avro does not"
            + " trust: SecurityException: Forbidden java.lang.ProcessBuilder");
  }

  @Test
  void inTheGeneratedPackageOnlyGeneratedClassesAreInstantiated() {
    var writerNamed = new AvroSerde<SpecificRecord>(new AvroCodec<>(registry, false, false, true, true, null));
    byte[] impostor = writeRecordNamed("NotGenerated", "impostor");
    byte[] unknown = writeRecordNamed("NoSuchClass", "unknown");

    assertThatThrownBy(() -> writerNamed.deserialize("impostor", impostor))
        .isInstanceOf(SerializationException.class)
        .hasMessageEndingWith("SecurityException: Forbidden dev.dialectic.schema.NotGenerated: it is in a"
            + " trusted package but is not a generated Avro record, enum or fixed class");
    assertThatThrownBy(() -> writerNamed.deserialize("unknown", unknown))
        .isInstanceOf(SerializationException.class)
        .hasMessageEndingWith("naming dev.dialectic.schema.NoSuchClass, for which there is no generated class");
  }

  private byte[] writeRecordNamed(String name, String topic) {
    Schema schema = SchemaBuilder.record(name).namespace(AvroClassTrust.GENERATED_PACKAGE).fields()
        .requiredString("text").endRecord();
    GenericRecord record = new GenericData.Record(schema);
    record.put("text", "x");
    return AvroSerde.generic(registry, false).serialize(topic, record);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void jvmWideTrustIsAnExplicitAdditiveIdempotentCall() throws Exception {
    AvroClassTrust.trustGeneratedClassesJvmWide();
    ClassSecurityPredicate once = ClassSecurityValidator.getGlobal();
    AvroClassTrust.trustGeneratedClassesJvmWide();

    assertThat(ClassSecurityValidator.getGlobal()).as("idempotent").isSameAs(once);
    assertThat(once.isTrusted(Task.class)).isTrue();
    assertThat(once.isTrusted(TaskStatus.class)).isTrue();
    assertThat(once.isTrusted(String.class)).as("what was trusted before stays trusted").isTrue();
    assertThat(once.isTrusted(Arrays.class)).as("nothing else joins").isFalse();
    assertThat(once.isTrusted(AvroSerde.class)).as("only generated types").isFalse();
    assertThat(TaskLedger.newBuilder().setTaskId("t").setSubmittedAt(Samples.T0).setAcceptedAt(Samples.T0)
        .build().getStatus()).isEqualTo(TaskStatus.RUNNING);
    byte[] bytes = AvroSerde.specific(Task.class, registry, false).serialize("t", Samples.task("t"));
    assertThatCode(() -> new SpecificDatumReader<>(Task.class).read(null,
        DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null))).doesNotThrowAnyException();
  }

  private static void assertForbidden(ThrowableAssert.ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    while (thrown != null && !(thrown instanceof SecurityException)) {
      thrown = thrown.getCause();
    }
    assertThat(thrown).isInstanceOf(SecurityException.class).hasMessageStartingWith("Forbidden dev.dialectic.schema.");
  }
}
