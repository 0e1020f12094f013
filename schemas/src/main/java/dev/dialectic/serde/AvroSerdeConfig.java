package dev.dialectic.serde;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The settings of an {@link AvroSerde} configured by Kafka from properties (a producer's
 * {@code value.serializer}, Kafka Streams' {@code default.value.serde}, ...). Names are Confluent's, so
 * existing client configurations keep working; secrets are {@link Type#PASSWORD} values, which Kafka never
 * prints.
 */
public final class AvroSerdeConfig extends AbstractConfig {

  /** The registry's Confluent-compatible base URL. */
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  /** Where basic-auth credentials come from: {@code URL} or {@code USER_INFO}. */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  /** Basic-auth credentials as {@code user:password}, used when the source is {@code USER_INFO}. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  /** A static bearer token. */
  public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
  /** Whether serializing registers a record's schema (true) or only looks up its id (false). */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  /** Whether deserializing yields generated classes (true) or {@code GenericRecord}s (false). */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
  /** The generated class keys are read as; implies {@link #SPECIFIC_AVRO_READER}. */
  public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";
  /** The generated class values are read as; implies {@link #SPECIFIC_AVRO_READER}. */
  public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";
  /** Registry connect timeout, milliseconds. */
  public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  /** Registry answer timeout, milliseconds. */
  public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
  /** Retries of a registry call after a connection failure or a 408/429/5xx answer. */
  public static final String MAX_RETRIES = "max.retries";
  /** Pause before the first registry retry, milliseconds; it doubles with each further retry. */
  public static final String RETRIES_WAIT_MS = "retries.wait.ms";

  /** {@link #BASIC_AUTH_CREDENTIALS_SOURCE}: credentials written in the URL, {@code http://user:pw@host}. */
  public static final String SOURCE_URL = "URL";
  /** {@link #BASIC_AUTH_CREDENTIALS_SOURCE}: credentials in {@link #BASIC_AUTH_USER_INFO}. */
  public static final String SOURCE_USER_INFO = "USER_INFO";

  /** Parses and validates {@code props}; keys this class does not define are ignored. */
  public AvroSerdeConfig(Map<?, ?> props) {
    super(configDef(), props, false);
    if (registryUrl().contains(",")) {
      // Not ConfigException(name, value, ...): the value may carry credentials.
      throw new ConfigException(SCHEMA_REGISTRY_URL + " must be one URL; a list is not supported");
    }
    boolean userInfoSet = getPassword(BASIC_AUTH_USER_INFO) != null;
    if (SOURCE_USER_INFO.equals(getString(BASIC_AUTH_CREDENTIALS_SOURCE)) && !userInfoSet) {
      throw new ConfigException(BASIC_AUTH_USER_INFO + " must be set when " + BASIC_AUTH_CREDENTIALS_SOURCE
          + " is " + SOURCE_USER_INFO);
    }
    if (SOURCE_URL.equals(getString(BASIC_AUTH_CREDENTIALS_SOURCE)) && userInfoSet) {
      // Confluent silently ignores the user info here; a registry answering 401 later is harder to debug.
      throw new ConfigException(BASIC_AUTH_USER_INFO + " is set but " + BASIC_AUTH_CREDENTIALS_SOURCE + " is "
          + SOURCE_URL + "; set " + BASIC_AUTH_CREDENTIALS_SOURCE + "=" + SOURCE_USER_INFO);
    }
    if (userInfoSet && getPassword(BEARER_AUTH_TOKEN) != null) {
      throw new ConfigException("Set either " + BASIC_AUTH_USER_INFO + " or " + BEARER_AUTH_TOKEN + ", not both");
    }
    for (String key : List.of(SPECIFIC_AVRO_KEY_TYPE, SPECIFIC_AVRO_VALUE_TYPE)) {
      Class<?> type = getClass(key);
      if (type != null && !SpecificRecord.class.isAssignableFrom(type)) {
        throw new ConfigException(key, type.getName(), "not a generated Avro class (SpecificRecord)");
      }
    }
  }

  /** The definition of every setting, with its type, default and documentation. */
  public static ConfigDef configDef() {
    return new ConfigDef()
        .define(SCHEMA_REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
            Importance.HIGH, "Base URL of the Confluent-compatible schema registry API: http://host:8081"
                + " for Confluent, Karapace and Redpanda, http://host:8080/apis/ccompat/v7 for"
                + " Apicurio. One URL.")
        .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, SOURCE_URL,
            ConfigDef.ValidString.in(SOURCE_URL, SOURCE_USER_INFO), Importance.MEDIUM,
            "Where HTTP basic-auth credentials come from: URL (user:password@ in "
                + SCHEMA_REGISTRY_URL + ", or none) or USER_INFO (" + BASIC_AUTH_USER_INFO + ").")
        .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
            "HTTP basic-auth credentials as user:password, used when " + BASIC_AUTH_CREDENTIALS_SOURCE
                + " is USER_INFO.")
        .define(BEARER_AUTH_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
            "A static bearer token sent to the registry; excludes basic auth.")
        .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
            "Whether serializing registers the record's schema under the topic's subject. When false,"
                + " the schema must already be registered: serializing looks up its id and fails"
                + " for a schema the registry does not hold.")
        .define(SPECIFIC_AVRO_READER, Type.BOOLEAN, false, Importance.MEDIUM,
            "Whether deserializing yields generated classes (the class named by the writer schema,"
                + " or the one given by " + SPECIFIC_AVRO_KEY_TYPE + "/" + SPECIFIC_AVRO_VALUE_TYPE
                + ") instead of GenericRecords.")
        .define(SPECIFIC_AVRO_KEY_TYPE, Type.CLASS, null, Importance.LOW,
            "Generated class that keys are read as, whatever schema wrote them (resolved by Avro's"
                + " schema evolution rules). Implies " + SPECIFIC_AVRO_READER + ".")
        .define(SPECIFIC_AVRO_VALUE_TYPE, Type.CLASS, null, Importance.LOW,
            "Generated class that values are read as, whatever schema wrote them (resolved by Avro's"
                + " schema evolution rules). Implies " + SPECIFIC_AVRO_READER + ".")
        .define(HTTP_CONNECT_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
            "How long to wait for a TCP connection to the registry, in milliseconds.")
        .define(HTTP_READ_TIMEOUT_MS, Type.INT, 30_000, ConfigDef.Range.atLeast(1), Importance.LOW,
            "How long to wait for each answer of the registry, in milliseconds.")
        .define(MAX_RETRIES, Type.INT, 3, ConfigDef.Range.atLeast(0), Importance.LOW,
            "How many times a registry call is retried after a connection failure or an HTTP"
                + " 408/429/5xx answer.")
        .define(RETRIES_WAIT_MS, Type.INT, 200, ConfigDef.Range.atLeast(0), Importance.LOW,
            "Pause before the first registry retry, in milliseconds; it doubles with each further"
                + " retry, up to 5 s.");
  }

  /** {@value #SCHEMA_REGISTRY_URL}. */
  public String registryUrl() {
    return getString(SCHEMA_REGISTRY_URL).strip();
  }

  /** {@value #AUTO_REGISTER_SCHEMAS}. */
  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS);
  }

  /** {@value #SPECIFIC_AVRO_READER}, or true when a specific type is configured for this side. */
  public boolean specificAvroReader(boolean isKey) {
    return getBoolean(SPECIFIC_AVRO_READER) || specificType(isKey).isPresent();
  }

  /** {@value #SPECIFIC_AVRO_KEY_TYPE} or {@value #SPECIFIC_AVRO_VALUE_TYPE}. */
  public Optional<Class<? extends SpecificRecord>> specificType(boolean isKey) {
    Class<?> type = getClass(isKey ? SPECIFIC_AVRO_KEY_TYPE : SPECIFIC_AVRO_VALUE_TYPE);
    return Optional.ofNullable(type).map(t -> t.asSubclass(SpecificRecord.class));
  }

  /** A new REST client for the configured registry; the caller closes it. */
  public RestSchemaRegistryClient newRegistryClient() {
    RestSchemaRegistryClient.Builder builder;
    try {
      builder = RestSchemaRegistryClient.builder(registryUrl());
      Password userInfo = getPassword(BASIC_AUTH_USER_INFO);
      if (userInfo != null) {
        builder.basicAuth(userInfo.value());
      }
      Password token = getPassword(BEARER_AUTH_TOKEN);
      if (token != null) {
        builder.bearerToken(token.value());
      }
      return builder.connectTimeout(Duration.ofMillis(getInt(HTTP_CONNECT_TIMEOUT_MS)))
          .requestTimeout(Duration.ofMillis(getInt(HTTP_READ_TIMEOUT_MS)))
          .maxRetries(getInt(MAX_RETRIES))
          .retryBackoff(Duration.ofMillis(getInt(RETRIES_WAIT_MS)))
          .build();
    } catch (IllegalArgumentException e) {
      // The builder's messages never contain credentials.
      throw new ConfigException("Invalid schema registry settings: " + e.getMessage());
    }
  }
}
