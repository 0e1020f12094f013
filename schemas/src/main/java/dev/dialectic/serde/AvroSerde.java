package dev.dialectic.serde;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for Avro records in the Confluent wire format: magic byte {@code 0}, the writer schema's
 * registry id as 4 big-endian bytes, then the Avro binary encoding. Subjects follow Confluent's
 * TopicNameStrategy: {@code <topic>-key} and {@code <topic>-value}.
 *
 * <p>Why this is hand-written: Confluent's {@code kafka-avro-serializer} lives only in Confluent's own
 * Maven repository, which this project's builds cannot reach. The wire format is small and public, so this
 * class implements it over Avro and {@link SchemaRegistryClient}; records it writes are read by Confluent's
 * deserializers and the other way round.
 *
 * <p>Reading: a {@link #specific specific} serde reads every record as its generated class, resolving
 * whatever writer schema the record's id names against the class's schema (that is how schema evolution
 * works: old writers and new readers, and the reverse). A {@link #generic generic} serde reads
 * {@link GenericRecord}s in the writer's schema, with timestamps as epoch-millisecond longs (as
 * Confluent's does). Generated classes are instantiated without Avro's JVM-wide package allow-list being
 * touched: see {@link AvroClassTrust}.
 *
 * <p>Errors: a record whose bytes are not in the wire format, name an id the registry does not know, or
 * cannot be decoded, raises Kafka's {@link SerializationException} with a one-line reason (callers turn it
 * into a dead-letter entry); so does a record whose schema the registry refuses. A registry that cannot be
 * reached raises {@link SchemaRegistryException} instead, so that good records are retried, not
 * dead-lettered. {@code null} serializes to {@code null} and back (tombstones).
 *
 * <p>Built by {@link #specific} or {@link #generic}, or by Kafka from its class name and
 * {@link AvroSerdeConfig} properties ({@link #configure}). Thread-safe once configured; the serde is its own
 * {@link #serializer()} and {@link #deserializer()}.
 *
 * @param <T> the record type: a generated class or {@link GenericRecord}
 */
public final class AvroSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

  // Written once: by a factory, or by configure() when Kafka created the serde from its class name.
  private volatile AvroCodec<T> codec;

  /**
   * For Kafka, which creates serdes by class name; {@link #configure} must follow before use. In code,
   * use {@link #specific} or {@link #generic}.
   */
  public AvroSerde() {
  }

  AvroSerde(AvroCodec<T> codec) {
    this.codec = codec;
  }

  /**
   * A serde that reads and writes the generated class {@code type}.
   *
   * @param registry shared, not closed by the serde
   * @param isKey    whether it serves record keys (subject {@code <topic>-key}) or values
   */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, SchemaRegistryClient registry, boolean isKey) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(registry, "registry");
    return new AvroSerde<>(new AvroCodec<>(registry, false, isKey, true, true, type));
  }

  /**
   * A serde that writes any Avro record and reads {@link GenericRecord}s in their writer's schema.
   *
   * @param registry shared, not closed by the serde
   * @param isKey    whether it serves record keys (subject {@code <topic>-key}) or values
   */
  public static AvroSerde<GenericRecord> generic(SchemaRegistryClient registry, boolean isKey) {
    Objects.requireNonNull(registry, "registry");
    return new AvroSerde<>(new AvroCodec<>(registry, false, isKey, true, false, null));
  }

  /**
   * The same serde, registering schemas ({@code true}, the default) or only looking up the id of a schema
   * already registered under the subject ({@code false}; an unregistered schema then fails to serialize).
   */
  public AvroSerde<T> withAutoRegister(boolean autoRegister) {
    return new AvroSerde<>(codec().withAutoRegister(autoRegister));
  }

  /** The TopicNameStrategy subject of a topic's keys or values: {@code <topic>-key} / {@code <topic>-value}. */
  public static String subject(String topic, boolean isKey) {
    return AvroCodec.subject(topic, isKey);
  }

  /**
   * Configures a serde Kafka created by class name from {@link AvroSerdeConfig} properties; the serde then
   * owns a {@link RestSchemaRegistryClient} and closes it in {@link #close()}. A serde that is already
   * configured (built by a factory, or configured before) ignores the call, because Kafka configures
   * serializer and deserializer separately and both are this object.
   *
   * @throws org.apache.kafka.common.config.ConfigException when the properties are invalid
   */
  @Override
  public synchronized void configure(Map<String, ?> configs, boolean isKey) {
    if (codec != null) {
      return;
    }
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
    codec = new AvroCodec<>(config.newRegistryClient(), true, isKey, config.autoRegisterSchemas(),
        config.specificAvroReader(isKey), config.specificType(isKey).orElse(null));
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return codec().serialize(topic, data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : codec().deserialize(topic, data, 0, data.length);
  }

  @Override
  public T deserialize(String topic, Headers headers, ByteBuffer data) {
    if (data == null) {
      return null;
    }
    if (data.hasArray()) { // decode in place: no copy of the record
      return codec().deserialize(topic, data.array(), data.arrayOffset() + data.position(), data.remaining());
    }
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    return codec().deserialize(topic, copy, 0, copy.length);
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  /** Closes the registry client if this serde created it from configuration. */
  @Override
  public void close() {
    AvroCodec<T> current = codec;
    if (current != null) {
      current.close();
    }
  }

  @Override
  public String toString() {
    AvroCodec<T> current = codec;
    return "AvroSerde[" + (current == null ? "not configured" : current) + "]";
  }

  private AvroCodec<T> codec() {
    AvroCodec<T> current = codec;
    if (current == null) {
      throw new IllegalStateException("AvroSerde used before configure(): build it with AvroSerde.specific or"
          + " AvroSerde.generic, or let Kafka configure it");
    }
    return current;
  }
}
