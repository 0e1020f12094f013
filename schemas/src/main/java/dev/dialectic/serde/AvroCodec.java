package dev.dialectic.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The configured engine of an {@link AvroSerde}: the Confluent wire format (magic byte 0, 4-byte
 * big-endian schema id, Avro binary) over a {@link SchemaRegistryClient}.
 *
 * <p>Hot path: once a (topic, schema) pair has its id and writer, and an id has its reader, serializing and
 * deserializing do no registry I/O and reuse pooled buffers and per-thread decoders. Failures are not cached: a
 * schema refused now may be accepted after an operator fixes the subject.
 */
final class AvroCodec<T> {

  static final byte MAGIC_BYTE = 0;
  static final int HEADER_SIZE = 5;
  private static final int RETAINED_BUFFER_LIMIT = 1 << 20;

  private final SchemaRegistryClient registry;
  private final boolean ownsRegistry;
  private final boolean isKey;
  private final boolean autoRegister;
  private final boolean specific;
  private final Class<? extends SpecificRecord> specificType;
  private final Schema readerSchema;
  private final String description;
  private final SpecificData data;
  private final Map<String, Map<Schema, Writing>> writings = new ConcurrentHashMap<>();
  private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
  /**
   * Idle output buffers. A pool, not a ThreadLocal: workers serialize on a fresh virtual thread per call, where
   * a ThreadLocal would allocate a buffer and an encoder for every record.
   */
  private final Queue<Output> idleOutputs = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  private record Writing(int id, DatumWriter<Object> writer) {
  }

  /**
   * @param specificType the generated class every record is read as; null to read the class the writer
   *                     schema names (when {@code specific}) or a {@code GenericRecord}
   */
  AvroCodec(SchemaRegistryClient registry, boolean ownsRegistry, boolean isKey, boolean autoRegister,
      boolean specific, Class<? extends SpecificRecord> specificType) {
    this.registry = registry;
    this.ownsRegistry = ownsRegistry;
    this.isKey = isKey;
    this.autoRegister = autoRegister;
    this.specific = specific || specificType != null;
    this.specificType = specificType;
    ClassLoader loader = specificType != null ? specificType.getClassLoader() : AvroCodec.class.getClassLoader();
    // Naming a class here is trusting it: its package joins the generated one.
    this.data = AvroClassTrust.specificData(loader, specificType == null
        ? Set.of(AvroClassTrust.GENERATED_PACKAGE)
        : Set.copyOf(List.of(AvroClassTrust.GENERATED_PACKAGE, specificType.getPackageName())));
    this.readerSchema = specificType == null ? null : data.getSchema(specificType);
    this.description = (specificType != null ? specificType.getName() : this.specific ? "specific" : "generic")
        + ", " + side() + ", " + (autoRegister ? "auto-register" : "lookup") + ", " + registry;
  }

  /** The same codec with another auto-register setting; it shares (and never closes) the registry. */
  AvroCodec<T> withAutoRegister(boolean autoRegister) {
    return new AvroCodec<>(registry, false, isKey, autoRegister, specific, specificType);
  }

  static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }

  byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    if (!(record instanceof GenericContainer container)) {
      throw new SerializationException("Cannot serialize " + side() + " for topic '" + topic + "': "
          + record.getClass().getName() + " is not an Avro record");
    }
    Schema schema = container.getSchema();
    Map<Schema, Writing> byTopic = writings.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
    Writing writing = byTopic.get(schema);
    if (writing == null) {
      writing = byTopic.computeIfAbsent(schema, s -> prepare(topic, s));
    }
    Output output = idleOutputs.poll();
    if (output == null) {
      output = new Output();
    }
    try {
      output.start(writing.id());
      // Buffered: a direct encoder writes the stream byte by byte, and each of ByteArrayOutputStream's writes
      // takes its lock; the buffered one hands the stream whole blocks, on flush.
      output.encoder = EncoderFactory.get().binaryEncoder(output, output.encoder);
      writing.writer().write(record, output.encoder);
      output.encoder.flush();
      byte[] bytes = output.finish();
      // Only a clean output goes back: after a failed write the encoder still buffers part of that record.
      idleOutputs.offer(output);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot serialize " + side() + " for topic '" + topic + "' with schema "
          + schema.getFullName() + ": " + reason(e), e);
    }
  }

  T deserialize(String topic, byte[] bytes, int offset, int length) {
    if (bytes == null) {
      return null;
    }
    if (length < HEADER_SIZE) {
      throw new SerializationException("Record " + side() + " on topic '" + topic + "' is " + length
          + " bytes long, too short for the schema-registry wire format (at least " + HEADER_SIZE + ")");
    }
    if (bytes[offset] != MAGIC_BYTE) {
      throw new SerializationException(String.format("Record %s on topic '%s' starts with byte 0x%02x, not the"
          + " schema-registry magic byte 0x00", side(), topic, bytes[offset] & 0xff));
    }
    int id = ((bytes[offset + 1] & 0xff) << 24) | ((bytes[offset + 2] & 0xff) << 16)
        | ((bytes[offset + 3] & 0xff) << 8) | (bytes[offset + 4] & 0xff);
    DatumReader<T> reader = readers.get(id);
    if (reader == null) {
      reader = readers.computeIfAbsent(id, i -> newReader(topic, i));
    }
    BinaryDecoder decoder = DecoderFactory.get()
        .binaryDecoder(bytes, offset + HEADER_SIZE, length - HEADER_SIZE, decoders.get());
    decoders.set(decoder);
    try {
      return reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Record " + side() + " on topic '" + topic + "' with schema id " + id
          + " cannot be decoded: " + reason(e), e);
    }
  }

  void close() {
    if (ownsRegistry) {
      registry.close();
    }
  }

  @Override
  public String toString() {
    return description;
  }

  private Writing prepare(String topic, Schema schema) {
    String subject = subject(topic, isKey);
    int id;
    try {
      id = autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema);
    } catch (SchemaRegistryException e) {
      if (e.isUnavailable()) {
        throw e; // Not the record's fault: let the caller retry instead of dead-lettering it.
      }
      String hint = autoRegister ? "" : " (" + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + " is false: register"
          + " the schema first)";
      throw new SerializationException("Cannot serialize " + side() + " for topic '" + topic + "': "
          + e.getMessage() + hint, e);
    }
    return new Writing(id, new SpecificDatumWriter<>(schema, data));
  }

  private DatumReader<T> newReader(String topic, int id) {
    Schema writer;
    try {
      writer = registry.schemaById(id);
    } catch (SchemaRegistryException e) {
      if (e.isUnavailable()) {
        throw e; // Not the record's fault: let the caller retry instead of dead-lettering it.
      }
      throw new SerializationException("Record " + side() + " on topic '" + topic + "' names schema id " + id
          + ", which the registry does not give: " + e.getMessage(), e);
    }
    if (!specific) {
      return new GenericDatumReader<>(writer, writer, GenericData.get());
    }
    Schema reader = readerSchema != null ? readerSchema : readerSchemaFor(topic, id, writer);
    var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (compatibility.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
      var first = compatibility.getIncompatibilities().get(0);
      throw new SerializationException("Record " + side() + " on topic '" + topic + "' was written with schema id "
          + id + ", which " + reader.getFullName() + " cannot read: " + first.getType() + " '"
          + first.getMessage() + "' at " + first.getLocation());
    }
    return new SpecificDatumReader<>(writer, reader, data);
  }

  private Schema readerSchemaFor(String topic, int id, Schema writer) {
    Class<?> type;
    try {
      type = data.getClass(writer);
    } catch (SecurityException e) {
      throw new SerializationException("Record " + side() + " on topic '" + topic + "' has schema id " + id
          + " naming a class Avro does not trust: " + reason(e), e);
    }
    if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
      throw new SerializationException("Record " + side() + " on topic '" + topic + "' has schema id " + id
          + " naming " + writer.getFullName() + ", for which there is no generated class");
    }
    return data.getSchema(type);
  }

  private String side() {
    return isKey ? "key" : "value";
  }

  private static String reason(Exception e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName()
        + (message == null ? "" : ": " + SchemaRegistryException.oneLine(message));
  }

  /** A reusable output buffer with its encoder, used by one thread at a time. */
  private static final class Output extends ByteArrayOutputStream {
    BinaryEncoder encoder;

    Output() {
      super(256);
    }

    void start(int schemaId) {
      reset();
      write(MAGIC_BYTE);
      write(schemaId >>> 24);
      write(schemaId >>> 16);
      write(schemaId >>> 8);
      write(schemaId);
    }

    byte[] finish() {
      byte[] bytes = toByteArray();
      if (buf.length > RETAINED_BUFFER_LIMIT) {
        buf = new byte[256]; // one huge record must not pin a megabyte per thread for good
      }
      return bytes;
    }
  }
}
