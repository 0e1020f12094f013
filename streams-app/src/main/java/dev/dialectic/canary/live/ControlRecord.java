package dev.dialectic.canary.live;

import dev.dialectic.canary.Setting;
import dev.dialectic.schema.Control;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A record of {@code control} as read raw: its key, and its setting (null for a tombstone), or why it could not be
 * decoded.
 *
 * @param key the setting's name, from the record key
 * @param setting the value; null for a tombstone or an undecodable record
 * @param undecodable why the value could not be decoded, if it could not
 */
record ControlRecord(String key, Setting setting, Optional<String> undecodable) {

    static ControlRecord decode(ConsumerRecord<byte[], byte[]> record, Deserializer<Control> values) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            return new ControlRecord(key, null, Optional.empty());
        }
        try {
            Control control = values.deserialize(record.topic(), record.headers(), record.value());
            return new ControlRecord(key, Setting.of(control), Optional.empty());
        } catch (SerializationException | IllegalArgumentException | NullPointerException e) {
            return new ControlRecord(key, null, Optional.of("value is not a decodable Control: " + e.getMessage()));
        }
    }
}
