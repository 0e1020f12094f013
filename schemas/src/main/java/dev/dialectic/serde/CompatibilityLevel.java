package dev.dialectic.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * A subject's compatibility level, as Confluent defines it, decided with Avro's own
 * {@link SchemaCompatibility}.
 *
 * <p>BACKWARD: the new schema reads data written with the previous one. FORWARD: the previous schema reads
 * data written with the new one. FULL: both. The {@code _TRANSITIVE} variants check every earlier version
 * instead of only the latest.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean newReadsOld;
  private final boolean oldReadsNew;
  private final boolean transitive;

  CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
    this.newReadsOld = newReadsOld;
    this.oldReadsNew = oldReadsNew;
    this.transitive = transitive;
  }

  /**
   * Parses a level name, case-insensitively.
   *
   * @throws IllegalArgumentException naming the valid levels when {@code name} is none of them
   */
  public static CompatibilityLevel parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("Invalid compatibility level: " + name + " (expected one of "
          + List.of(values()) + ")", e);
    }
  }

  /**
   * Checks a candidate schema against a subject's earlier versions.
   *
   * @param candidate the schema about to be registered
   * @param versions  the subject's versions, oldest first (may be empty)
   * @return one line per problem; empty when the candidate is compatible
   */
  public List<String> problems(Schema candidate, List<Schema> versions) {
    List<String> problems = new ArrayList<>();
    int first = transitive ? 0 : Math.max(0, versions.size() - 1);
    for (int i = first; i < versions.size(); i++) {
      Schema earlier = versions.get(i);
      int version = i + 1;
      if (newReadsOld) {
        describe(problems, "new schema cannot read version " + version, candidate, earlier);
      }
      if (oldReadsNew) {
        describe(problems, "version " + version + " cannot read the new schema", earlier, candidate);
      }
    }
    return problems;
  }

  private static void describe(List<String> problems, String direction, Schema reader, Schema writer) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (Incompatibility incompatibility : result.getIncompatibilities()) {
      problems.add(direction + ": " + incompatibility.getType() + " '" + incompatibility.getMessage()
          + "' at " + incompatibility.getLocation());
    }
  }
}
