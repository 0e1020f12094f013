package dev.dialectic.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, which Confluent's registry,
 * Apicurio (at {@code /apis/ccompat/v7}), Karapace and Redpanda all serve: pointing it at another registry
 * is a matter of the base URL alone.
 *
 * <p>Why this is hand-written: Confluent's own client ({@code io.confluent:kafka-schema-registry-client})
 * is published only to Confluent's Maven repository, which this project's builds cannot reach, and
 * nothing on Maven Central speaks this API without tying us to one registry product. The API needed here
 * is six calls, so this class implements them with {@link HttpClient} and Jackson.
 *
 * <p>Caching follows Confluent's client: (subject, schema) → id and id → schema are kept forever (ids are
 * immutable), so serdes do no registry I/O once warm; compatibility answers and subject lists are not
 * cached. Connection failures, 408, 429 and 5xx answers are retried a bounded number of times with
 * doubling backoff (every call is idempotent: registering a schema twice yields the same id). Credentials
 * (basic or bearer) are sent as an {@code Authorization} header only; they never appear in
 * {@link #toString()}, exceptions or logs. Thread-safe; {@link #close()} releases the HTTP client.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

  private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, "
      + "application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final String baseUrl;
  private final Credentials credentials;
  private final Duration requestTimeout;
  private final int maxRetries;
  private final Duration retryBackoff;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

  // Keyed by the schema's full JSON text: a registry tells apart schemas that differ only in docs.
  private record SubjectSchema(String subject, String schemaText) {
  }

  private RestSchemaRegistryClient(Builder builder, Credentials credentials) {
    this.baseUrl = builder.baseUrl;
    this.credentials = credentials;
    this.requestTimeout = builder.requestTimeout;
    this.maxRetries = builder.maxRetries;
    this.retryBackoff = builder.retryBackoff;
    this.http = HttpClient.newBuilder()
        .connectTimeout(builder.connectTimeout)
        .version(HttpClient.Version.HTTP_1_1)
        // A redirect could carry the Authorization header to another host: refuse them.
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** Starts a client for the registry at {@code baseUrl}; see {@link Builder#baseUrl(String)}. */
  public static Builder builder(String baseUrl) {
    return new Builder().baseUrl(baseUrl);
  }

  @Override
  public int register(String subject, Schema schema) {
    String text = schema.toString();
    Integer cached = ids.get(new SubjectSchema(subject, text));
    if (cached != null) {
      return cached;
    }
    String path = "/subjects/" + segment(subject) + "/versions";
    JsonNode answer = send("POST", path, schemaBody(text), "refused schema for subject '" + subject + "'");
    int id = requireId(answer, "POST " + path);
    remember(subject, text, schema, id);
    return id;
  }

  @Override
  public int idOf(String subject, Schema schema) {
    String text = schema.toString();
    Integer cached = ids.get(new SubjectSchema(subject, text));
    if (cached != null) {
      return cached;
    }
    String path = "/subjects/" + segment(subject);
    JsonNode answer = send("POST", path, schemaBody(text), "found no such schema under subject '" + subject + "'");
    int id = requireId(answer, "POST " + path);
    remember(subject, text, schema, id);
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemas.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("GET", "/schemas/ids/" + id, null, "has no schema with id " + id);
    String type = answer.path("schemaType").asText("AVRO");
    if (!"AVRO".equalsIgnoreCase(type)) {
      throw new SchemaRegistryException("Schema registry returned a " + type + " schema for id " + id
          + ", not an Avro schema", 200, SchemaRegistryException.NO_RESPONSE, null);
    }
    try {
      Schema schema = new Schema.Parser().parse(answer.path("schema").asText());
      Schema raced = schemas.putIfAbsent(id, schema);
      return raced == null ? schema : raced;
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException("Schema registry returned schema id " + id
          + " that Avro cannot parse: " + SchemaRegistryException.oneLine(String.valueOf(e.getMessage())),
          200, SchemaRegistryException.NO_RESPONSE, e);
    }
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    try {
      JsonNode answer = send("POST", "/compatibility/subjects/" + segment(subject) + "/versions/latest",
          schemaBody(schema.toString()), "could not check compatibility for subject '" + subject + "'");
      return answer.path("is_compatible").asBoolean(false);
    } catch (SchemaRegistryException e) {
      // Some registries answer 404 instead of true while the subject has no version yet.
      if (e.isNotFound() && (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND)) {
        return true;
      }
      throw e;
    }
  }

  @Override
  public void setCompatibility(String subject, String level) {
    send("PUT", "/config/" + segment(subject), json.createObjectNode().put("compatibility", level),
        "refused compatibility level '" + level + "' for subject '" + subject + "'");
  }

  @Override
  public List<String> subjects() {
    JsonNode answer = send("GET", "/subjects", null, "could not list subjects");
    List<String> subjects = new ArrayList<>(answer.size());
    answer.forEach(subject -> subjects.add(subject.asText()));
    return List.copyOf(subjects);
  }

  @Override
  public void close() {
    http.close();
  }

  /** The base URL and the kind of credentials used (never the credentials themselves). */
  @Override
  public String toString() {
    return "RestSchemaRegistryClient[" + baseUrl + ", auth=" + credentials + "]";
  }

  private void remember(String subject, String text, Schema schema, int id) {
    ids.put(new SubjectSchema(subject, text), id);
    schemas.putIfAbsent(id, schema);
  }

  private JsonNode schemaBody(String schemaText) {
    return json.createObjectNode().put("schema", schemaText);
  }

  private static int requireId(JsonNode answer, String call) {
    JsonNode id = answer.get("id");
    if (id == null || !id.canConvertToInt()) {
      throw new SchemaRegistryException("Schema registry answered " + call + " without a schema id: "
          + abbreviate(answer.toString()), 200, SchemaRegistryException.NO_RESPONSE, null);
    }
    return id.intValue();
  }

  /**
   * Sends one request, retrying connection failures and 408/429/5xx answers; returns the parsed body of a
   * 2xx answer. {@code what} completes "Schema registry ..." in the exception of any other answer.
   */
  private JsonNode send(String method, String path, JsonNode body, String what) {
    HttpRequest request = request(method, path, body);
    for (int attempt = 1; ; attempt++) {
      boolean lastAttempt = attempt > maxRetries;
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        if (lastAttempt) {
          throw new SchemaRegistryException("Schema registry did not answer " + method + " " + baseUrl + path
              + " after " + attempt + (attempt == 1 ? " attempt: " : " attempts: ") + describe(e),
              SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_RESPONSE, e);
        }
        LOG.warn("Schema registry did not answer {} {}{} ({}); retrying", method, baseUrl, path, describe(e));
        pause(attempt, method, path);
        continue;
      } catch (InterruptedException e) {
        throw interrupted(method, path, e);
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return parse(response.body(), method + " " + path, status);
      }
      if (!lastAttempt && (status >= 500 || status == 408 || status == 429)) {
        LOG.warn("Schema registry answered {} {}{} with HTTP {}; retrying", method, baseUrl, path, status);
        pause(attempt, method, path);
        continue;
      }
      throw refusal(what, status, response.body());
    }
  }

  private HttpRequest request(String method, String path, JsonNode body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(requestTimeout)
        .header("Accept", ACCEPT);
    if (body == null) {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      builder.header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(write(body), StandardCharsets.UTF_8));
    }
    credentials.authorize(builder);
    return builder.build();
  }

  private String write(JsonNode body) {
    try {
      return json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode parse(String body, String call, int status) {
    try {
      return json.readTree(body == null || body.isBlank() ? "{}" : body);
    } catch (JsonProcessingException e) {
      throw new SchemaRegistryException("Schema registry answered " + call + " with a body that is not JSON"
          + " (HTTP " + status + "): " + abbreviate(body), status, SchemaRegistryException.NO_RESPONSE, e);
    }
  }

  private SchemaRegistryException refusal(String what, int status, String body) {
    int errorCode = SchemaRegistryException.NO_RESPONSE;
    String message = abbreviate(body);
    try {
      JsonNode error = json.readTree(body == null ? "" : body);
      if (error != null && error.isObject()) {
        errorCode = error.path("error_code").asInt(SchemaRegistryException.NO_RESPONSE);
        message = error.path("message").asText(message);
      }
    } catch (JsonProcessingException notJson) {
      // A proxy's HTML error page, for instance: its start is the best message there is.
    }
    return SchemaRegistryException.answered(what, status, errorCode, message);
  }

  private void pause(int attempt, String method, String path) {
    long millis = Math.min(MAX_BACKOFF.toMillis(), retryBackoff.toMillis() << Math.min(attempt - 1, 20));
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw interrupted(method, path, e);
    }
  }

  private SchemaRegistryException interrupted(String method, String path, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new SchemaRegistryException("Interrupted while waiting for the schema registry to answer " + method + " "
        + baseUrl + path, SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_RESPONSE, e);
  }

  private static String segment(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String describe(Exception e) {
    return e.getMessage() == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + SchemaRegistryException.oneLine(e.getMessage());
  }

  private static String abbreviate(String body) {
    if (body == null || body.isBlank()) {
      return "no message";
    }
    String line = SchemaRegistryException.oneLine(body);
    return line.length() <= 300 ? line : line.substring(0, 300) + "...";
  }

  /** The Authorization header value, kept out of every string this client produces. */
  private record Credentials(String kind, String authorization) {
    static final Credentials NONE = new Credentials("none", null);

    static Credentials basic(String userInfo) {
      if (userInfo == null || userInfo.indexOf(':') < 0) {
        throw new IllegalArgumentException("Basic auth needs 'user:password'");
      }
      return new Credentials("basic", "Basic "
          + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    static Credentials bearer(String token) {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("Bearer auth needs a non-blank token");
      }
      return new Credentials("bearer", "Bearer " + token.strip());
    }

    void authorize(HttpRequest.Builder request) {
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
    }

    @Override
    public String toString() {
      return kind;
    }
  }

  /**
   * Builds a {@link RestSchemaRegistryClient}. Defaults: connect timeout 10 s, request timeout 30 s,
   * 3 retries starting at 200 ms, no credentials.
   */
  public static final class Builder {
    private String baseUrl;
    private Credentials urlCredentials = Credentials.NONE;
    private Credentials credentials = Credentials.NONE;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int maxRetries = 3;
    private Duration retryBackoff = Duration.ofMillis(200);

    private Builder() {
    }

    /**
     * The registry's Confluent-compatible base URL: {@code http://host:8081} for Confluent, Karapace
     * and Redpanda, {@code http://host:8080/apis/ccompat/v7} for Apicurio. Credentials written in the
     * URL ({@code https://user:password@host}) are taken as basic auth and removed from the URL.
     *
     * @throws IllegalArgumentException when it is not an absolute http(s) URL
     */
    public Builder baseUrl(String url) {
      Objects.requireNonNull(url, "url");
      URI uri;
      try {
        uri = new URI(url.strip());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("Invalid schema registry URL: " + redact(url));
      }
      String scheme = uri.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
        throw new IllegalArgumentException("Schema registry URL must be an absolute http(s) URL: "
            + redact(url));
      }
      urlCredentials = uri.getUserInfo() == null ? Credentials.NONE : Credentials.basic(uri.getUserInfo());
      String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
      baseUrl = scheme + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path;
      return this;
    }

    /** How long to wait for a TCP connection. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long to wait for each answer. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** HTTP basic authentication, given as {@code user:password}. */
    public Builder basicAuth(String userInfo) {
      this.credentials = Credentials.basic(userInfo);
      return this;
    }

    /** Bearer-token authentication (OAuth, Confluent Cloud style). */
    public Builder bearerToken(String token) {
      this.credentials = Credentials.bearer(token);
      return this;
    }

    /** How many times a call is retried after a connection failure or a 408/429/5xx answer; 0 for none. */
    public Builder maxRetries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, was " + retries);
      }
      this.maxRetries = retries;
      return this;
    }

    /** The pause before the first retry; it doubles with each further retry, up to 5 s. */
    public Builder retryBackoff(Duration backoff) {
      if (backoff == null || backoff.isNegative()) {
        throw new IllegalArgumentException("retryBackoff must be >= 0");
      }
      this.retryBackoff = backoff;
      return this;
    }

    /**
     * @throws IllegalArgumentException when credentials are given both in the URL and explicitly
     */
    public RestSchemaRegistryClient build() {
      if (urlCredentials != Credentials.NONE && credentials != Credentials.NONE) {
        throw new IllegalArgumentException(
            "Schema registry credentials given both in the URL and explicitly; give them once");
      }
      return new RestSchemaRegistryClient(this, urlCredentials != Credentials.NONE ? urlCredentials : credentials);
    }

    private static Duration positive(Duration duration, String name) {
      if (duration == null || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return duration;
    }

    private static String redact(String url) {
      return url.replaceAll("//[^/@]*@", "//***@");
    }
  }
}
