package dev.dialectic.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.schema.Task;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InMemorySchemaRegistryTest {

  private static final Schema V1 = SchemaBuilder.record("Note").namespace("test").fields()
      .requiredString("text").endRecord();
  private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("Note").namespace("test").fields()
      .requiredString("text").name("pages").type().intType().intDefault(1).endRecord();
  private static final Schema V2_WITHOUT_DEFAULT = SchemaBuilder.record("Note").namespace("test").fields()
      .requiredString("text").requiredInt("pages").endRecord();
  private static final Schema V2_WITHOUT_TEXT = SchemaBuilder.record("Note").namespace("test").fields()
      .name("pages").type().intType().intDefault(1).endRecord();

  @Test
  void idsAreGlobalAndStable() {
    var registry = new InMemorySchemaRegistry();

    int first = registry.register("a-value", V1);

    assertThat(registry.register("a-value", V1)).isEqualTo(first);
    assertThat(registry.register("b-value", V1)).as("same schema, other subject").isEqualTo(first);
    assertThat(registry.register("a-value", V2_WITH_DEFAULT)).isNotEqualTo(first);
    assertThat(registry.idOf("b-value", V1)).isEqualTo(first);
    assertThat(registry.schemaById(first)).isEqualTo(V1);
    assertThat(registry.subjects()).containsExactly("a-value", "b-value");
  }

  @Test
  void refusesAnIncompatibleSchemaNamingTheSubject() {
    var registry = new InMemorySchemaRegistry();
    registry.register("dialectic.notes-value", V1);

    assertThatThrownBy(() -> registry.register("dialectic.notes-value", V2_WITHOUT_DEFAULT))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.errorCode()).isEqualTo(409);
        })
        .hasMessageStartingWith("Schema registry refused schema for subject 'dialectic.notes-value'"
            + " (HTTP 409, error 409): Schema is incompatible with an earlier schema under BACKWARD")
        .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE 'pages'");
    assertThat(registry.isCompatible("dialectic.notes-value", V2_WITHOUT_DEFAULT)).isFalse();
    assertThat(registry.isCompatible("dialectic.notes-value", V2_WITH_DEFAULT)).isTrue();
  }

  @ParameterizedTest(name = "{0}: add field with default {1}, without {2}, drop required field {3}")
  @CsvSource({
    "NONE,     true, true,  true",
    "BACKWARD, true, false, true",
    "FORWARD,  true, true,  false",
    "FULL,     true, false, false",
  })
  void levelsDecideWhatEvolvesAsAvroSays(
      String level, boolean withDefault, boolean withoutDefault, boolean dropRequired) {
    assertThat(evolves(level, V2_WITH_DEFAULT)).isEqualTo(withDefault);
    assertThat(evolves(level, V2_WITHOUT_DEFAULT)).isEqualTo(withoutDefault);
    assertThat(evolves(level, V2_WITHOUT_TEXT)).isEqualTo(dropRequired);
  }

  @Test
  void transitiveLevelsCheckEveryEarlierVersion() {
    Schema v1 = SchemaBuilder.record("R").fields().requiredString("a").endRecord();
    Schema v2 = SchemaBuilder.record("R").fields().endRecord();
    // Reads v2 data (default fills 'a') but not v1 data, where 'a' is a string.
    Schema v3 = SchemaBuilder.record("R").fields().name("a").type().intType().intDefault(0).endRecord();

    for (String level : new String[] {"BACKWARD", "BACKWARD_TRANSITIVE"}) {
      var registry = new InMemorySchemaRegistry(CompatibilityLevel.parse(level));
      registry.register("r", v1);
      registry.register("r", v2);
      assertThat(registry.isCompatible("r", v3)).as(level).isEqualTo(level.equals("BACKWARD"));
    }
    assertThat(CompatibilityLevel.FULL_TRANSITIVE.problems(v3, java.util.List.of(v1, v2)))
        .anySatisfy(p -> assertThat(p).startsWith("new schema cannot read version 1: TYPE_MISMATCH"));
  }

  @Test
  void unknownSubjectsSchemasAndIdsAreNotFound() {
    var registry = new InMemorySchemaRegistry();
    registry.register("a-value", V1);

    assertThat(registry.isCompatible("nothing-yet", V1)).isTrue();
    assertThatThrownBy(() -> registry.idOf("nothing-yet", V1))
        .isInstanceOfSatisfying(SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND))
        .hasMessageContaining("'nothing-yet'");
    assertThatThrownBy(() -> registry.idOf("a-value", Task.getClassSchema()))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.isNotFound()).isTrue();
          assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
        });
    assertThatThrownBy(() -> registry.schemaById(42))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageStartingWith("Schema registry has no schema with id 42 (HTTP 404, error 40403)");
  }

  @Test
  void refusesAnUnknownLevel() {
    var registry = new InMemorySchemaRegistry();

    assertThatThrownBy(() -> registry.setCompatibility("a-value", "SOMETIMES"))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(422))
        .hasMessageContaining("'a-value'")
        .hasMessageContaining("Invalid compatibility level: SOMETIMES");
  }

  private static boolean evolves(String level, Schema next) {
    var registry = new InMemorySchemaRegistry(CompatibilityLevel.NONE);
    registry.setCompatibility("s", level.toLowerCase(java.util.Locale.ROOT));
    registry.register("s", V1);
    try {
      registry.register("s", next);
      return true;
    } catch (SchemaRegistryException e) {
      return false;
    }
  }
}
