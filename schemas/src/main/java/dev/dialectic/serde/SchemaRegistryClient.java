package dev.dialectic.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of a Confluent-compatible schema registry that Avro serdes and their operators need.
 *
 * <p>Implementations are thread-safe. {@link RestSchemaRegistryClient} talks to a real registry (Confluent,
 * Apicurio's {@code ccompat} API, Karapace, Redpanda); {@link InMemorySchemaRegistry} is a registry of its
 * own for unit tests. Every failure is a {@link SchemaRegistryException} naming the subject or id.
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /**
   * Registers {@code schema} under {@code subject} (a no-op when it is already there) and returns its
   * global id.
   *
   * @throws SchemaRegistryException when the registry refuses the schema (HTTP 409 when it is
   *                                 incompatible with the subject's compatibility level, 422 when invalid)
   */
  int register(String subject, Schema schema);

  /**
   * Returns the id of {@code schema} under {@code subject} without registering it.
   *
   * @throws SchemaRegistryException with status 404 when the subject does not exist or does not hold
   *                                 the schema
   */
  int idOf(String subject, Schema schema);

  /**
   * Returns the schema with the given global id.
   *
   * @throws SchemaRegistryException with status 404 when no schema has that id
   */
  Schema schemaById(int id);

  /**
   * Tells whether {@code schema} could be registered under {@code subject} given the subject's
   * compatibility level; true when the subject does not exist yet.
   */
  boolean isCompatible(String subject, Schema schema);

  /**
   * Sets the compatibility level of one subject: {@code NONE}, {@code BACKWARD}, {@code FORWARD},
   * {@code FULL}, or one of their {@code _TRANSITIVE} variants.
   *
   * @throws SchemaRegistryException when the registry does not accept the level (HTTP 422)
   */
  void setCompatibility(String subject, String level);

  /** Every subject the registry knows, in the registry's order. */
  List<String> subjects();

  /** Releases connections; a no-op unless the implementation holds any. */
  @Override
  default void close() {
  }
}
