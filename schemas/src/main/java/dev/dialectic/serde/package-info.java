/**
 * Avro on Kafka in the Confluent wire format, and the schema registry behind it.
 *
 * <ul>
 *   <li>{@link dev.dialectic.serde.AvroSerde}: the Kafka serde (magic byte 0, 4-byte schema id, Avro binary),
 *       built in code or by Kafka from {@link dev.dialectic.serde.AvroSerdeConfig} properties;</li>
 *   <li>{@link dev.dialectic.serde.SchemaRegistryClient}: what the serde needs of a registry, served by
 *       {@link dev.dialectic.serde.RestSchemaRegistryClient} (any Confluent-compatible registry, by URL) and
 *       {@link dev.dialectic.serde.InMemorySchemaRegistry} (unit tests);</li>
 *   <li>{@link dev.dialectic.serde.AvroClassTrust}: how the generated classes get past Avro 1.12's class
 *       allow-list.</li>
 * </ul>
 *
 * <p>Hand-written because Confluent's serializer and registry client are not on Maven Central.
 */
package dev.dialectic.serde;
