package dev.dialectic.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Our Avro records as plain JSON with the schemas' field names: timestamps as epoch milliseconds (as on the
 * wire), enums as their symbols, unions as the value itself. Avro's own JSON encoding wraps every union value
 * in an object naming its branch ({@code {"string": "..."}}), which no HTTP client wants.
 */
final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {}

    /** {@code value} (a record, or any value a record field holds) as JSON. */
    static JsonNode toJson(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof IndexedRecord record) {
            ObjectNode node = NODES.objectNode();
            for (Schema.Field field : record.getSchema().getFields()) {
                node.set(field.name(), toJson(record.get(field.pos())));
            }
            return node;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = NODES.objectNode();
            map.forEach((k, v) -> node.set(k.toString(), toJson(v)));
            return node;
        }
        if (value instanceof Collection<?> items) {
            ArrayNode node = NODES.arrayNode();
            items.forEach(item -> node.add(toJson(item)));
            return node;
        }
        return switch (value) {
            case CharSequence text -> NODES.textNode(text.toString());
            case Instant instant -> NODES.numberNode(instant.toEpochMilli());
            case Enum<?> symbol -> NODES.textNode(symbol.name());
            case GenericEnumSymbol<?> symbol -> NODES.textNode(symbol.toString());
            case Integer number -> NODES.numberNode(number);
            case Long number -> NODES.numberNode(number);
            case Double number -> NODES.numberNode(number);
            case Float number -> NODES.numberNode(number);
            case Boolean flag -> NODES.booleanNode(flag);
            default -> NODES.textNode(value.toString());
        };
    }
}
