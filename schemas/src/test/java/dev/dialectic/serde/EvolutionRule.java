package dev.dialectic.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParser;

/**
 * The schema evolution rule of schemas/README.md, as a check: against the released baseline, every schema
 * still exists, reads and is read by its baseline (BACKWARD and FORWARD), every field added since has a
 * default, and every enum has a default symbol.
 */
final class EvolutionRule {

  private EvolutionRule() {
  }

  /**
   * Every named type defined by the .avsc files under {@code dir}, by full name. Files may refer to each
   * other's types in any order, as the avro-maven-plugin's imports allow: a file whose defaults name a type
   * not parsed yet is simply tried again after the others.
   */
  static Map<String, Schema> load(Path dir) {
    List<Path> pending;
    try (Stream<Path> files = Files.walk(dir)) {
      pending = new ArrayList<>(files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Path> ordered = new ArrayList<>();
    while (!pending.isEmpty()) {
      int before = pending.size();
      AvroRuntimeException failure = null;
      for (Iterator<Path> it = pending.iterator(); it.hasNext(); ) {
        Path file = it.next();
        try {
          parse(Stream.concat(ordered.stream(), Stream.of(file)).toList());
          ordered.add(file);
          it.remove();
        } catch (AvroRuntimeException e) {
          failure = e;
        }
      }
      if (pending.size() == before) {
        throw new IllegalStateException("Cannot parse " + pending + ": " + failure.getMessage(), failure);
      }
    }
    return byName(parse(ordered).getParsedNamedSchemas());
  }

  private static SchemaParser parse(List<Path> files) {
    SchemaParser parser = new SchemaParser();
    try {
      for (Path file : files) {
        parser.parse(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parser;
  }

  static Map<String, Schema> byName(Collection<Schema> schemas) {
    return schemas.stream().collect(Collectors.toMap(Schema::getFullName, s -> s, (a, b) -> a, TreeMap::new));
  }

  /** One line per violation of the rule, naming the type (and field); empty when the current schemas obey it. */
  static List<String> violations(Map<String, Schema> baseline, Map<String, Schema> current) {
    List<String> violations = new ArrayList<>();
    baseline.forEach((name, released) -> {
      Schema now = current.get(name);
      if (now == null) {
        violations.add(name + ": removed, but data written with it is still around");
        return;
      }
      if (now.getType() == Schema.Type.RECORD && released.getType() == Schema.Type.RECORD) {
        Set<String> releasedFields = released.getFields().stream()
            .flatMap(f -> Stream.concat(Stream.of(f.name()), f.aliases().stream()))
            .collect(Collectors.toSet());
        for (Schema.Field field : now.getFields()) {
          if (!releasedFields.contains(field.name()) && !field.hasDefaultValue()) {
            violations.add(name + "." + field.name() + ": added after the release without a default");
          }
        }
      }
      check(violations, name + ": the current schema cannot read data written with the baseline", now, released);
      check(violations, name + ": readers of the baseline cannot read data written with the current schema",
          released, now);
    });
    current.forEach((name, schema) -> {
      if (schema.getType() == Schema.Type.ENUM && schema.getEnumDefault() == null) {
        violations.add(name + ": enum without a default symbol, so adding a symbol would break old readers");
      }
    });
    return violations;
  }

  private static void check(List<String> violations, String what, Schema reader, Schema writer) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
      result.getIncompatibilities().forEach(i -> violations.add(
          what + ": " + i.getType() + " '" + i.getMessage() + "' at " + i.getLocation()));
    }
  }
}
