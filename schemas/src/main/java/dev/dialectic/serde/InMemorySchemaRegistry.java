package dev.dialectic.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * A schema registry that lives in this JVM, for unit tests: same answers as a Confluent registry, without
 * a server.
 *
 * <p>Ids are global and start at 1; an identical schema gets the same id under every subject. A schema
 * that breaks the subject's {@link CompatibilityLevel} is refused with a {@link SchemaRegistryException}
 * of status 409, like a real registry; unknown subjects and ids are 404 with Confluent's error codes.
 * Thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

  private final CompatibilityLevel defaultLevel;
  private final Map<String, List<Registered>> subjects = new LinkedHashMap<>();
  private final Map<String, CompatibilityLevel> levels = new HashMap<>();
  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<String, Integer> idByText = new HashMap<>();

  // Schemas are compared by their full JSON text, docs included, as Confluent compares them.
  private record Registered(Schema schema, String text, int id) {
  }

  /** A registry whose subjects default to {@link CompatibilityLevel#BACKWARD}, Confluent's default. */
  public InMemorySchemaRegistry() {
    this(CompatibilityLevel.BACKWARD);
  }

  /** A registry whose subjects default to the given level. */
  public InMemorySchemaRegistry(CompatibilityLevel defaultLevel) {
    this.defaultLevel = Objects.requireNonNull(defaultLevel, "defaultLevel");
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    String text = schema.toString();
    List<Registered> versions = subjects.getOrDefault(subject, List.of());
    for (Registered registered : versions) {
      if (registered.text().equals(text)) {
        return registered.id();
      }
    }
    CompatibilityLevel level = levelOf(subject);
    List<String> problems = level.problems(schema, schemasOf(versions));
    if (!problems.isEmpty()) {
      throw SchemaRegistryException.answered("refused schema for subject '" + subject + "'", 409, 409,
          "Schema is incompatible with an earlier schema under " + level + ": "
              + String.join("; ", problems));
    }
    int id = idByText.computeIfAbsent(text, t -> {
      int next = byId.size() + 1;
      byId.put(next, schema);
      return next;
    });
    subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(new Registered(schema, text, id));
    return id;
  }

  @Override
  public synchronized int idOf(String subject, Schema schema) {
    List<Registered> versions = subjects.get(subject);
    if (versions == null) {
      throw notFound("found no subject '" + subject + "'", SchemaRegistryException.SUBJECT_NOT_FOUND,
          "Subject '" + subject + "' not found.");
    }
    String text = schema.toString();
    return versions.stream()
        .filter(registered -> registered.text().equals(text))
        .mapToInt(Registered::id)
        .findFirst()
        .orElseThrow(() -> notFound("found no such schema under subject '" + subject + "'",
            SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found"));
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = byId.get(id);
    if (schema == null) {
      throw notFound("has no schema with id " + id, SchemaRegistryException.SCHEMA_NOT_FOUND,
          "Schema " + id + " not found.");
    }
    return schema;
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    List<Registered> versions = subjects.getOrDefault(subject, List.of());
    return levelOf(subject).problems(schema, schemasOf(versions)).isEmpty();
  }

  @Override
  public synchronized void setCompatibility(String subject, String level) {
    try {
      levels.put(subject, CompatibilityLevel.parse(level));
    } catch (IllegalArgumentException e) {
      throw SchemaRegistryException.answered(
          "refused compatibility level '" + level + "' for subject '" + subject + "'", 422, 42203,
          e.getMessage());
    }
  }

  @Override
  public synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  @Override
  public String toString() {
    return "InMemorySchemaRegistry[default " + defaultLevel + "]";
  }

  private CompatibilityLevel levelOf(String subject) {
    return levels.getOrDefault(subject, defaultLevel);
  }

  private static List<Schema> schemasOf(List<Registered> versions) {
    return versions.stream().map(Registered::schema).toList();
  }

  private static SchemaRegistryException notFound(String what, int errorCode, String message) {
    return SchemaRegistryException.answered(what, 404, errorCode, message);
  }
}
