package dev.dialectic.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The schema evolution rule (schemas/README.md) against the released baseline in
 * src/test/resources/schema-baseline, and evolution through the serde.
 */
class SchemaEvolutionRuleTest {

  private static final Path CURRENT = Path.of("src/main/avro");

  @Test
  void everyCurrentSchemaObeysTheRuleAgainstTheBaseline() {
    Map<String, Schema> baseline = baseline();
    Map<String, Schema> current = EvolutionRule.load(CURRENT);

    assertThat(baseline).as("baseline types").containsKeys("dev.dialectic.schema.Task",
        "dev.dialectic.schema.TaskState", "dev.dialectic.schema.StageStatus");
    assertThat(current.keySet()).containsAll(baseline.keySet());
    assertThat(EvolutionRule.violations(baseline, current)).isEmpty();
  }

  @Test
  void theGeneratedClassesAreBuiltFromTheCheckedFiles() {
    Map<String, Schema> current = EvolutionRule.load(CURRENT);

    // Parsing canonical form: the generated schemas add Java-only properties (avro.java.string).
    for (SpecificRecord record : Samples.everyType()) {
      Schema generated = record.getSchema();
      assertThat(SchemaNormalization.toParsingForm(current.get(generated.getFullName())))
          .as(generated.getFullName())
          .isEqualTo(SchemaNormalization.toParsingForm(generated));
    }
  }

  @Test
  void reportsAFieldAddedWithoutADefault() {
    Map<String, Schema> baseline = baseline();
    Schema task = baseline.get("dev.dialectic.schema.Task");
    List<Schema.Field> fields = copy(task.getFields());
    fields.add(new Schema.Field("priority", Schema.create(Schema.Type.INT), "Made up, and without a default."));
    Map<String, Schema> current = new HashMap<>(baseline);
    current.put(task.getFullName(), record(task, fields));

    assertThat(EvolutionRule.violations(baseline, current)).contains(
        "dev.dialectic.schema.Task.priority: added after the release without a default",
        "dev.dialectic.schema.Task: the current schema cannot read data written with the baseline:"
            + " READER_FIELD_MISSING_DEFAULT_VALUE 'priority' at /fields/7");
  }

  @Test
  void reportsARemovedRequiredFieldAndAnEnumWithoutDefault() {
    Map<String, Schema> baseline = baseline();
    Schema task = baseline.get("dev.dialectic.schema.Task");
    List<Schema.Field> withoutGoal = copy(task.getFields().stream().filter(f -> !f.name().equals("goal")).toList());
    Schema status = baseline.get("dev.dialectic.schema.TaskStatus");
    List<String> symbols = new ArrayList<>(status.getEnumSymbols());
    symbols.add("PAUSED");
    Map<String, Schema> current = new HashMap<>(baseline);
    current.put(task.getFullName(), record(task, withoutGoal));
    current.put(status.getFullName(), Schema.createEnum(status.getName(), status.getDoc(), status.getNamespace(),
        symbols, null));

    assertThat(EvolutionRule.violations(baseline, current))
        .contains("dev.dialectic.schema.TaskStatus: enum without a default symbol, so adding a symbol would"
            + " break old readers")
        .anySatisfy(v -> assertThat(v).startsWith("dev.dialectic.schema.Task: readers of the baseline cannot"
            + " read data written with the current schema: READER_FIELD_MISSING_DEFAULT_VALUE 'goal'"));
  }

  @Test
  void oldWritersAreReadByTheCurrentClassThroughTheSerde() {
    var registry = new InMemorySchemaRegistry(CompatibilityLevel.FULL_TRANSITIVE);
    var oldWriter = AvroSerde.generic(registry, false);
    var newReader = AvroSerde.specific(Task.class, registry, false);
    Schema released = baseline().get("dev.dialectic.schema.Task");
    // A release older still, from before the fields that have defaults: the rule says they must fill in.
    Schema older = record(released, copy(released.getFields().stream().filter(f -> !f.hasDefaultValue()).toList()));

    GenericRecord fromRelease = new GenericData.Record(released);
    fromRelease.put("taskId", "t-old");
    fromRelease.put("goal", "old goal");
    fromRelease.put("context", "ctx");
    fromRelease.put("mode", "sequential");
    fromRelease.put("submittedAt", Samples.T0.toEpochMilli());
    fromRelease.put("timeoutMs", 5_000L);
    fromRelease.put("attributes", Map.of("k", "v"));
    GenericRecord fromOlder = new GenericData.Record(older);
    fromOlder.put("taskId", "t-older");
    fromOlder.put("goal", "older goal");
    fromOlder.put("submittedAt", Samples.T0.toEpochMilli());

    Task released1 = newReader.deserialize("tasks", oldWriter.serialize("tasks", fromRelease));
    Task older1 = newReader.deserialize("tasks", oldWriter.serialize("tasks", fromOlder));

    assertThat(released1).isEqualTo(Task.newBuilder().setTaskId("t-old").setGoal("old goal").setContext("ctx")
        .setMode("sequential").setSubmittedAt(Samples.T0).setTimeoutMs(5_000L)
        .setAttributes(Map.of("k", "v")).build());
    assertThat(older1.getTaskId()).isEqualTo("t-older");
    assertThat(older1.getContext()).isNull();
    assertThat(older1.getTimeoutMs()).isNull();
    assertThat(older1.getAttributes()).isEmpty();
    assertThat(registry.subjects()).containsExactly("tasks-value");
  }

  @Test
  void oldReadersReadWhatTheCurrentClassWrites() throws Exception {
    var registry = new InMemorySchemaRegistry();
    Schema released = baseline().get("dev.dialectic.schema.TaskLedger");
    Schema older = record(released, copy(released.getFields().stream()
        .filter(f -> !f.name().equals("attributes") && !f.name().equals("transitions")).toList()));

    byte[] bytes = AvroSerde.specific(TaskLedger.class, registry, false).serialize("ledger", Samples.taskLedger());
    Schema writer = registry.schemaById(AvroSerdeTest.schemaId(bytes));
    GenericRecord read = new GenericDatumReader<GenericRecord>(writer, older)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

    assertThat(read.get("taskId")).hasToString("t-1");
    assertThat(((GenericEnumSymbol<?>) read.get("status")).toString()).isEqualTo(TaskStatus.SUCCEEDED.name());
    assertThat(read.getSchema().getField("transitions")).isNull();
  }

  static Map<String, Schema> baseline() {
    try {
      return EvolutionRule.load(Path.of(Objects.requireNonNull(
          SchemaEvolutionRuleTest.class.getResource("/schema-baseline")).toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Schema.Field> copy(List<Schema.Field> fields) {
    List<Schema.Field> copies = new ArrayList<>();
    fields.forEach(f -> copies.add(new Schema.Field(f, f.schema())));
    return copies;
  }

  private static Schema record(Schema like, List<Schema.Field> fields) {
    return Schema.createRecord(like.getName(), like.getDoc(), like.getNamespace(), false, fields);
  }
}
