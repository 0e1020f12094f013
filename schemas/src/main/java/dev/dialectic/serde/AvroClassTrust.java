package dev.dialectic.serde;

import dev.dialectic.schema.Task;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Lets Avro 1.12 instantiate the classes generated from Dialectic's schemas.
 *
 * <p>The problem: Avro turns the names in a schema into classes only through {@code ClassUtils.forName},
 * which asks the JVM-wide {@link ClassSecurityValidator}. Its default predicate trusts a few
 * {@code java.lang} types plus whatever the system properties {@code org.apache.avro.SERIALIZABLE_PACKAGES}
 * and {@code org.apache.avro.SERIALIZABLE_CLASSES} list, read once when Avro's predicate class initializes.
 * So, out of the box, {@code new SpecificDatumReader<>(Task.class)} fails with "Forbidden
 * dev.dialectic.schema.Task", and so do the generated builders when they fill an enum default
 * ({@code TaskLedger.status}), deep copies of nested records ({@code TaskState.newBuilder(other)}) and
 * {@code Task.fromByteBuffer}: all of these go through the generated class's own {@code SpecificData}. The
 * check exists because a writer schema comes from outside (a registry, a file) and could otherwise name
 * any class on the class path for Avro to instantiate.
 *
 * <p>The choice, so that nothing global changes behind anyone's back:
 * <ul>
 *   <li>{@link AvroSerde} reads with a {@code SpecificData} of its own ({@link #specificData}) that resolves
 *       names in the trusted packages itself, and only to generated record, enum and fixed classes; every
 *       other name still goes to Avro's JVM-wide validator. A serde therefore works in any JVM, whatever its
 *       system properties, and leaves Avro's global state exactly as it found it. (The cost: Avro's "fast
 *       reader" only serves the stock {@code SpecificData} class, so serdes decode with Avro's resolving
 *       decoder instead.)</li>
 *   <li>Code that uses the generated classes without a serde (builders, deep copies, {@code fromByteBuffer})
 *       calls {@link #trustGeneratedClassesJvmWide()} once at startup. That is a global change, so it is an
 *       explicit call that this module never makes by itself; it only adds the generated package to what the
 *       validator already trusts.</li>
 * </ul>
 * Setting the system property from code was rejected: it only works if it happens before Avro's predicate
 * class initializes, which no library can guarantee.
 */
public final class AvroClassTrust {

  /** The package of the classes generated from {@code schemas/src/main/avro}. */
  public static final String GENERATED_PACKAGE = "dev.dialectic.schema";

  private AvroClassTrust() {
  }

  /**
   * Adds the generated package's record, enum and fixed classes to the classes Avro's JVM-wide
   * {@link ClassSecurityValidator} trusts, keeping everything it trusted before. Idempotent and
   * thread-safe. Call it once from {@code main} (or a test's setup) when generated classes are used
   * outside {@link AvroSerde}.
   */
  public static synchronized void trustGeneratedClassesJvmWide() {
    ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
    // Any generated class serves as the probe: the predicate below trusts all of them or none.
    if (!current.isTrusted(Task.class)) {
      ClassSecurityPredicate generated =
          type -> type.getPackageName().equals(GENERATED_PACKAGE) && isGeneratedType(type);
      ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, generated));
    }
  }

  /**
   * A {@code SpecificData} with the standard logical-type conversions that resolves record, enum and
   * fixed names in {@code trustedPackages} to generated classes without asking the JVM-wide validator,
   * and leaves every other name to it.
   */
  static SpecificData specificData(ClassLoader loader, Set<String> trustedPackages) {
    return new TrustingSpecificData(loader, trustedPackages);
  }

  private static boolean isGeneratedType(Class<?> type) {
    return SpecificRecord.class.isAssignableFrom(type) || type.isEnum() || GenericFixed.class.isAssignableFrom(type);
  }

  private static final class TrustingSpecificData extends SpecificData {
    private final Set<String> trustedPackages;
    private final Map<String, Optional<Class<?>>> trustedClasses = new ConcurrentHashMap<>();

    TrustingSpecificData(ClassLoader loader, Set<String> trustedPackages) {
      super(loader);
      this.trustedPackages = Set.copyOf(trustedPackages);
      addLogicalTypeConversions(this);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class getClass(Schema schema) {
      return switch (schema.getType()) {
        case RECORD, ENUM, FIXED -> isTrusted(schema.getNamespace())
            // Keyed by full name: getClassName() splits strings, too slow for once per record.
            ? trustedClasses.computeIfAbsent(schema.getFullName(), name -> load(getClassName(schema))).orElse(null)
            : super.getClass(schema);
        default -> super.getClass(schema);
      };
    }

    /**
     * Arrays are read into plain lists. Avro's own {@code GenericData.Array} compares its elements with
     * {@code GenericData.get()}, which has no logical-type conversions, so {@code equals} on a record
     * holding, say, a list of {@code StageTiming} (with an optional timestamp) threw
     * "Unknown datum type java.time.Instant" instead of answering.
     */
    @Override
    public Object newArray(Object old, int size, Schema schema) {
      if (old == null) {
        // The size comes from the data: never pre-allocate more than a modest guess.
        return new ArrayList<>(Math.min(size, 1024));
      }
      return super.newArray(old, size, schema);
    }

    private boolean isTrusted(String namespace) {
      return namespace != null && trustedPackages.contains(namespace);
    }

    private Optional<Class<?>> load(String className) {
      Class<?> type;
      try {
        // Not initialized: nothing of a class runs before it is known to be a generated type.
        type = Class.forName(className, false, getClassLoader());
      } catch (ClassNotFoundException e) {
        return Optional.empty();
      }
      if (!isGeneratedType(type)) {
        throw new SecurityException("Forbidden " + className + ": it is in a trusted package but is not a"
            + " generated Avro record, enum or fixed class");
      }
      return Optional.of(type);
    }
  }
}
