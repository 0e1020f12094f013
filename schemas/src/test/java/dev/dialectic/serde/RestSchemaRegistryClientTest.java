package dev.dialectic.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dialectic.schema.Task;
import dev.dialectic.serde.StubHttpServer.Answer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the REST client sends and how it reads answers, against a recording stub (LocalRegistryTest talks to a
 * real registry).
 */
class RestSchemaRegistryClientTest {

  private static final String SECRET = "s3cr3t-Pa55";
  private static final Schema TASK = Task.getClassSchema();

  private final StubHttpServer stub = new StubHttpServer();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stop() {
    stub.close();
  }

  @Test
  void registersWithTheConfluentContentTypeAndCachesBothWays() throws Exception {
    stub.answering(request -> new Answer(200, "{\"id\":7}"));
    try (var client = client().build()) {

      int id = client.register("dialectic.tasks-value", TASK);

      assertThat(id).isEqualTo(7);
      assertThat(client.register("dialectic.tasks-value", TASK)).isEqualTo(7);
      assertThat(client.idOf("dialectic.tasks-value", TASK)).isEqualTo(7);
      assertThat(client.schemaById(7)).isEqualTo(TASK);
      assertThat(stub.requests()).hasSize(1);
      var request = stub.requests().get(0);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.rawPath()).isEqualTo("/subjects/dialectic.tasks-value/versions");
      assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
      assertThat(request.accept()).startsWith("application/vnd.schemaregistry.v1+json");
      assertThat(request.authorization()).isNull();
      assertThat(json.readTree(request.body()).get("schema").asText()).isEqualTo(TASK.toString());
    }
  }

  @Test
  void looksUpIdsAndSchemasUnderABasePathAndEncodesSubjects() {
    stub.answering(request -> switch (request.method() + " " + request.rawPath()) {
      case "POST /apis/ccompat/v7/subjects/odd%20subject%2Fvalue" ->
          new Answer(200, "{\"subject\":\"odd subject/value\",\"version\":1,\"id\":3,\"schema\":\"\"}");
      case "GET /apis/ccompat/v7/schemas/ids/4" ->
          new Answer(200, json.createObjectNode().put("schema", TASK.toString()).toString());
      case "GET /apis/ccompat/v7/subjects" -> new Answer(200, "[\"a-value\",\"odd subject/value\"]");
      default -> new Answer(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
    });
    try (var client = RestSchemaRegistryClient.builder(stub.url() + "/apis/ccompat/v7/").build()) {

      assertThat(client.idOf("odd subject/value", TASK)).isEqualTo(3);
      assertThat(client.schemaById(3)).as("known from idOf").isEqualTo(TASK);
      assertThat(client.schemaById(4)).isEqualTo(TASK);
      assertThat(client.schemaById(4)).isEqualTo(TASK);
      assertThat(client.subjects()).containsExactly("a-value", "odd subject/value");
      assertThat(stub.requests()).extracting(StubHttpServer.Request::rawPath)
          .as("schemaById(3) and the second schemaById(4) came from the cache")
          .containsExactly("/apis/ccompat/v7/subjects/odd%20subject%2Fvalue",
              "/apis/ccompat/v7/schemas/ids/4", "/apis/ccompat/v7/subjects");
    }
  }

  @Test
  void aRefusalCarriesTheSubjectStatusErrorCodeAndTheRegistrysMessage() {
    stub.answering(request -> new Answer(409, "{\"message\":\"io.apicurio.registry.rules.violation."
        + "RuleViolationException: Incompatible artifact: dialectic.tasks-value [AVRO], num of incompatible"
        + " diffs: {1}, list of diff types: [priority at /fields/7]\",\"error_code\":409}"));
    try (var client = client().build()) {

      assertThatThrownBy(() -> client.register("dialectic.tasks-value", TASK))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.errorCode()).isEqualTo(409);
            assertThat(e.isUnavailable()).isFalse();
          })
          .hasMessage("Schema registry refused schema for subject 'dialectic.tasks-value' (HTTP 409,"
              + " error 409): Incompatible artifact: dialectic.tasks-value [AVRO], num of incompatible"
              + " diffs: {1}, list of diff types: [priority at /fields/7]");
      assertThat(stub.requests()).as("a refusal is not retried").hasSize(1);
    }
  }

  @Test
  void anAnswerThatIsNotJsonIsReportedByItsBeginning() {
    stub.answering(request -> new Answer(403, "<html><body>Forbidden by proxy</body></html>"));
    try (var client = client().build()) {

      assertThatThrownBy(() -> client.schemaById(5))
          .isInstanceOf(SchemaRegistryException.class)
          .hasMessage("Schema registry has no schema with id 5 (HTTP 403): <html><body>Forbidden by proxy"
              + "</body></html>");
    }
  }

  @Test
  void retriesUnavailableAnswersAFewTimes() {
    AtomicInteger calls = new AtomicInteger();
    stub.answering(request -> calls.incrementAndGet() < 3
        ? new Answer(503, "{\"error_code\":50003,\"message\":\"Error while forwarding the request\"}")
        : new Answer(200, "[]"));
    try (var patient = client().maxRetries(2).build(); var impatient = client().maxRetries(1).build()) {

      assertThat(patient.subjects()).isEmpty();
      calls.set(0);
      assertThatThrownBy(impatient::subjects)
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.isUnavailable()).isTrue();
          })
          .hasMessage("Schema registry could not list subjects (HTTP 503, error 50003): Error while"
              + " forwarding the request");
      assertThat(stub.requests()).hasSize(3 + 2);
    }
  }

  @Test
  void anUnreachableRegistryIsUnavailableAfterTheRetries() throws IOException {
    int closedPort;
    try (var socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (var client = RestSchemaRegistryClient.builder("http://127.0.0.1:" + closedPort).maxRetries(1)
        .retryBackoff(Duration.ZERO).build()) {

      assertThatThrownBy(() -> client.register("dialectic.tasks-value", TASK))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
            assertThat(e.isUnavailable()).isTrue();
          })
          .hasMessageStartingWith("Schema registry did not answer POST http://127.0.0.1:" + closedPort
              + "/subjects/dialectic.tasks-value/versions after 2 attempts: ");
    }
  }

  @Test
  void compatibilityChecksAndSettings() throws Exception {
    stub.answering(request -> switch (request.method() + " " + request.rawPath()) {
      case "POST /compatibility/subjects/new-value/versions/latest" ->
          new Answer(404, "{\"error_code\":40401,\"message\":\"Subject 'new-value' not found.\"}");
      case "POST /compatibility/subjects/old-value/versions/latest" -> new Answer(200, "{\"is_compatible\":false}");
      case "PUT /config/old-value" -> request.body().contains("BOGUS")
          ? new Answer(422, "{\"error_code\":42203,\"message\":\"Invalid compatibility level: BOGUS\"}")
          : new Answer(200, "{\"compatibility\":\"FULL\"}");
      default -> new Answer(500, "{}");
    });
    try (var client = client().build()) {

      assertThat(client.isCompatible("new-value", TASK)).as("no subject yet").isTrue();
      assertThat(client.isCompatible("old-value", TASK)).isFalse();
      client.setCompatibility("old-value", "FULL");
      assertThatThrownBy(() -> client.setCompatibility("old-value", "BOGUS"))
          .isInstanceOf(SchemaRegistryException.class)
          .hasMessage("Schema registry refused compatibility level 'BOGUS' for subject 'old-value' (HTTP 422,"
              + " error 42203): Invalid compatibility level: BOGUS");
      var put = stub.requests().get(2);
      assertThat(put.method() + " " + put.rawPath()).isEqualTo("PUT /config/old-value");
      assertThat(json.readTree(put.body()).get("compatibility").asText()).isEqualTo("FULL");
    }
  }

  @Test
  void basicCredentialsGoOnlyIntoTheAuthorizationHeader() {
    stub.answering(request -> new Answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"));
    String expected = "Basic " + Base64.getEncoder().encodeToString(("alice:" + SECRET).getBytes());
    try (var explicit = client().basicAuth("alice:" + SECRET).build();
      var inUrl = RestSchemaRegistryClient.builder(stub.url().replace("//", "//alice:" + SECRET + "@"))
          .maxRetries(0).build()) {

      assertThatThrownBy(explicit::subjects).hasMessageNotContaining(SECRET);
      assertThatThrownBy(inUrl::subjects).hasMessageNotContaining(SECRET).hasMessageNotContaining("alice");
      assertThat(stub.requests()).extracting(StubHttpServer.Request::authorization)
          .containsExactly(expected, expected);
      assertThat(explicit.toString()).isEqualTo("RestSchemaRegistryClient[" + stub.url() + ", auth=basic]");
      assertThat(inUrl.toString()).isEqualTo(explicit.toString());
    }
    assertThatThrownBy(() -> RestSchemaRegistryClient.builder("http://bob:" + SECRET + "@host:8081")
        .bearerToken("t").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> RestSchemaRegistryClient.builder("ftp://bob:" + SECRET + "@host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Schema registry URL must be an absolute http(s) URL: ftp://***@host");
  }

  @Test
  void aBearerTokenIsSentAsSuch() {
    stub.answering(request -> new Answer(200, "[]"));
    try (var client = client().bearerToken(SECRET).build()) {

      client.subjects();

      assertThat(stub.requests().get(0).authorization()).isEqualTo("Bearer " + SECRET);
      assertThat(client.toString()).endsWith("auth=bearer]").doesNotContain(SECRET);
    }
  }

  private RestSchemaRegistryClient.Builder client() {
    return RestSchemaRegistryClient.builder(stub.url()).retryBackoff(Duration.ofMillis(1))
        .requestTimeout(Duration.ofSeconds(5));
  }
}
