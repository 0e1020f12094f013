package dev.dialectic.serde;

import java.util.regex.Pattern;

/**
 * A schema registry refused a request, did not know what was asked for, or could not be reached.
 *
 * <p>The message names the subject (or schema id) and carries the registry's own message with the HTTP
 * status and the registry's {@code error_code}, for example {@code Schema registry refused schema for
 * subject 'dialectic.tasks-value' (HTTP 409, error 409): Incompatible artifact: ...}. It never contains
 * credentials.
 *
 * <p>{@link #status()} and {@link #errorCode()} let callers tell "not found" (404 / 40401 subject,
 * 40403 schema) and "refused" (409, 422) apart from "unavailable" ({@link #NO_RESPONSE} or 5xx), which is
 * worth retrying later.
 */
public final class SchemaRegistryException extends RuntimeException {

  /** {@link #status()} and {@link #errorCode()} when no HTTP response was received (or it had no code). */
  public static final int NO_RESPONSE = -1;

  /** Confluent's error code for "subject not found". */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent's error code for "version not found". */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent's error code for "schema not found" (unknown id, or schema not under the subject). */
  public static final int SCHEMA_NOT_FOUND = 40403;

  private static final long serialVersionUID = 1L;

  // Apicurio prefixes its messages with the server-side exception class; the rest is what a human needs.
  private static final Pattern JAVA_EXCEPTION_PREFIX =
      Pattern.compile("^(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error):\\s*");

  private final int status;
  private final int errorCode;

  /**
   * @param message   the whole message, already naming the subject or id
   * @param status    the HTTP status, or {@link #NO_RESPONSE}
   * @param errorCode the registry's {@code error_code}, or {@link #NO_RESPONSE}
   * @param cause     the underlying failure, or null
   */
  public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  /**
   * Builds the exception for an answer of the registry.
   *
   * @param what            what the registry did, completing "Schema registry ...", e.g.
   *                        {@code refused schema for subject 'x'}
   * @param registryMessage the registry's own message (may be null)
   */
  static SchemaRegistryException answered(String what, int status, int errorCode, String registryMessage) {
    String reason = registryMessage == null || registryMessage.isBlank()
        ? "no message"
        : JAVA_EXCEPTION_PREFIX.matcher(oneLine(registryMessage)).replaceFirst("");
    String code = errorCode == NO_RESPONSE ? "" : ", error " + errorCode;
    return new SchemaRegistryException(
        "Schema registry " + what + " (HTTP " + status + code + "): " + reason, status, errorCode, null);
  }

  /** The HTTP status of the registry's answer, or {@link #NO_RESPONSE}. */
  public int status() {
    return status;
  }

  /** The registry's {@code error_code} (e.g. 40401, 409), or {@link #NO_RESPONSE}. */
  public int errorCode() {
    return errorCode;
  }

  /** True when the registry answered 404: the subject, version or schema id does not exist. */
  public boolean isNotFound() {
    return status == 404;
  }

  /** True when no answer came or the registry failed (5xx): the same request may succeed later. */
  public boolean isUnavailable() {
    return status == NO_RESPONSE || status >= 500;
  }

  static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
